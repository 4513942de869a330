import { minimumFeatures } from '../support/production-shapes';
import { buildEnvironment } from '../support/policy-sizes';
const a = buildEnvironment(minimumFeatures(3));
for (const s of a.managedInstanceRole!.document.Statement)
  console.log(JSON.stringify(s).length, JSON.stringify(s).slice(0, 600));
