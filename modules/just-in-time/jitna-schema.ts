/**
 * The Cedar schema of Systems Manager just-in-time node access, as AWS publishes it (section
 * "Just-in-time node access schema"). Auto-approval and deny-access policies are validated against
 * it, strictly, before anything is synthesized: a policy that does not validate here is one the
 * service would reject or, worse, evaluate differently from what its author meant.
 *
 * Copied from the documentation without changes but whitespace; keep it that way, so a difference
 * from AWS's copy is a diff against the page and not a guess.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/auto-approval-deny-access-policy-statement-structure.html
 */
export const JITNA_CEDAR_SCHEMA = `namespace AWS::EC2 {
    entity Instance tags String;
}

namespace AWS::IdentityStore {
    entity Group;

    entity User in [Group] {
    employeeNumber?: String,
    costCenter?: String,
    organization?: String,
    division?: String,
    };
}

namespace AWS::IAM {
    entity Role;

    type AuthorizationContext = {
        principalTags: PrincipalTags,
    };

    entity PrincipalTags tags String;
}

namespace AWS::SSM {
    entity ManagedInstance tags String;

    action "getTokenForInstanceAccess" appliesTo {
    principal: [AWS::IdentityStore::User],
    resource: [AWS::EC2::Instance, AWS::SSM::ManagedInstance],
    context: {
        "iam": AWS::IAM::AuthorizationContext
        }
    };
}
`;

/** The one action of just-in-time node access, as Cedar names it. */
export const JITNA_ACTION = 'AWS::SSM::Action::"getTokenForInstanceAccess"';
