export * from './core/config-error';
export * from './core/policy-document';
export * from './core/rules';
export * from './saml-federation/saml-federation';
export * from './core/session-log-destination';
