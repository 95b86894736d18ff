// ESLint for the page (web-map/public), its build script and the browser
// tests (tests/web); run by scripts/test from the repository root:
//   web-map/node_modules/.bin/eslint -c web-map/eslint.config.mjs web-map tests/web
// Layout is Prettier's (.prettierrc, scripts/format): eslint-config-prettier,
// last, turns off every rule that would disagree with it.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default [
  { ignores: ["**/vendor/**", "**/node_modules/**"] },
  js.configs.recommended,
  {
    files: ["**/public/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      // The server decides what a role may do (GET /api/session's "may",
      // may_manage_users, account_roles, role_label): the page never tests a
      // role's name, so an account role written in its code is an error.
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[value=/^(member|foundation|animator|admin)$/]",
          message: "A role's name in the page: ask the server (session.may, may_manage_users, account_roles).",
        },
        {
          selector: "TemplateElement[value.raw=/\\b(member|foundation|animator|admin)\\b/]",
          message: "A role's name in the page: ask the server (session.may, may_manage_users, account_roles).",
        },
      ],
    },
  },
  {
    files: ["**/tests/web/**/*.mjs", "**/*.mjs"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
  {
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  prettier,
];
