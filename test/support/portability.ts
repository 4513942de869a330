import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Code that type-checks against both toolchains and still behaves differently at run time. With CDK
 * Terrain installed under the CDKTF names, `cdktf` (the alias) and `cdktn` (which
 * @cdktn/provider-aws requires) are two copies of one package: TypeScript sees one set of types,
 * but at run time a provider resource extends the other copy's classes, so `x instanceof
 * TerraformResource` is false for every provider resource. The packages' `is*` checks
 * (`TerraformResource.isTerraformResource`, `TerraformStack.isStack`, `Construct.isConstruct`)
 * work across copies.
 */

/** Packages that the toolchain provides (CDKTF, or CDK Terrain under the CDKTF names). */
const TOOLCHAIN_MODULE = /^(cdktf|@cdktf\/provider-aws|constructs)(\/|$)/;

export interface PortabilityFinding {
  /** `path:line`. */
  readonly at: string;
  readonly code: string;
  readonly message: string;
}

/** `instanceof` checks whose class comes from a toolchain package, in one source file. */
export function toolchainInstanceofChecks(fileName: string, text: string): PortabilityFinding[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const classes = new Set<string>();
  const namespaces = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!TOOLCHAIN_MODULE.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) classes.add(element.name.text);
    if (statement.importClause?.name) classes.add(statement.importClause.name.text);
  }
  const findings: PortabilityFinding[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword &&
      isToolchainClass(node.right, classes, namespaces)
    ) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      findings.push({
        at: `${fileName}:${line}`,
        code: node.getText(source),
        message: `\`instanceof ${node.right.getText(source)}\` is false for objects of the other copy of the package when CDK Terrain is installed under the CDKTF names: use the class's static is* check`,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

function isToolchainClass(node: ts.Expression, classes: Set<string>, namespaces: Set<string>): boolean {
  if (ts.isIdentifier(node)) return classes.has(node.text);
  if (ts.isPropertyAccessExpression(node)) {
    let root: ts.Expression = node;
    while (ts.isPropertyAccessExpression(root)) root = root.expression;
    return ts.isIdentifier(root) && namespaces.has(root.text);
  }
  return false;
}

/** Every `.ts` file below the given folders, relative to `root`. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(relative(root, path));
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return files.sort();
}

/** The findings of every source file below the folders. */
export function scanInstanceofChecks(root: string, folders: readonly string[]): PortabilityFinding[] {
  return sourceFiles(root, folders).flatMap((file) =>
    toolchainInstanceofChecks(file, readFileSync(join(root, file), 'utf8')),
  );
}
