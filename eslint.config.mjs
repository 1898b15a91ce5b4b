// ESLint flat config: typescript-eslint's recommended type-aware rules plus the two rules of
// @pulumi/eslint-plugin, which catch an Output interpolated into a plain template string.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "**/node_modules/**",
            "out/**",
            "dist/**",
            ".bench/**",
            ".scratch/**",
            ".e2e/**",
            // npm run mutate: Stryker's sandboxes (copies of the project, with @ts-nocheck) and its reports.
            ".stryker-tmp/**",
            "reports/**",
            "**/*.mjs",
            "**/*.js",
        ],
    },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
        },
    },
);
