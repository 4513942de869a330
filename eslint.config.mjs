import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'toolchains/*/node_modules/',
      'dist/',
      'cdktf.out/',
      'coverage/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    // The constructs and the app build with CDKTF and with CDK Terrain installed under the CDKTF
    // names (README, "CDKTF and CDK Terrain"): only the packages' public entry points are the same.
    files: ['modules/**', 'stacks/**', 'environments/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['cdktf/*', 'constructs/*'],
              message:
                "Import from 'cdktf' or 'constructs' itself: files inside the package differ between CDKTF and CDK Terrain.",
            },
            {
              group: ['@cdktf/provider-aws/lib/*/*'],
              message:
                "Import the resource from '@cdktf/provider-aws/lib/<resource>': the files below it are laid out differently in each provider binding.",
            },
            {
              group: ['cdktn', 'cdktn/*', '@cdktn/*', 'cdktf-cli', 'cdktf-cli/*', 'cdktn-cli', 'cdktn-cli/*'],
              message:
                "Import 'cdktf' and '@cdktf/provider-aws': CDK Terrain is installed under those names (npm aliases), so one source builds with either toolchain.",
            },
          ],
        },
      ],
    },
  },
);
