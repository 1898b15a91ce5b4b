// StrykerJS configuration for `npm run mutate` (docs/MUTATION.md): mutation testing of the policy pack, the pure
// renderers and the config schemas, with the mocha runner (our .mocharc.json) and the TypeScript checker
// (tsconfig.json), so that mutants the compiler refuses are not counted as killed by a test.
//
// Stryker has one global threshold; ours are per group. `groups` below is read by test/mutation-groups.mjs,
// which `npm run mutate` runs after Stryker: it prints each group's score and fails when one is below its
// `break`. Keep the `mutate` globs and the groups in step: every mutated file belongs to exactly one group.

/** The groups, their files and their thresholds (percent of detected mutants, Stryker's "mutation score"). */
export const groups = [
    {
        name: "policy",
        description: "policy/: the rules, the readers of what the stack declares, and the upstream facts",
        files: ["policy/**/*.ts", "!policy/index.ts", "!policy/dist/**", "!policy/node_modules/**"],
        // 90: a rule that stops catching what it names lets a broken mesh through `pulumi preview`
        // unnoticed, the one thing this package promises (issue 13).
        break: 90,
    },
    {
        name: "render",
        description: "components/render/*.ts: the pure renderers (Helm values, asmcli overlay and script, canary Job)",
        files: ["components/render/*.ts"],
        // 90: what they render is what the clusters run; a wrong value reaches a cluster, not a message.
        break: 90,
    },
    {
        name: "config",
        description: "components/config/{config,ackConfig,secrets}.ts: the stack config schemas and secret paths",
        files: ["components/config/config.ts", "components/config/ackConfig.ts", "components/config/secrets.ts"],
        // 85: lower than the others because many survivors there are wording inside error messages whose
        // key and fix are pinned by tests but whose prose is not (issue 13 sets 85 for the schemas).
        break: 85,
    },
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    mutate: groups.flatMap((group) => group.files),
    testRunner: "mocha",
    mochaOptions: {
        // The same require hooks (tsx/cjs, the fast-check seed) and extensions as `npm test`.
        config: ".mocharc.json",
        // The in-process unit specs only. Left out: specs that spawn the CLI, `pulumi`, `npm pack` or the
        // bundle in a child process (bench, cli, preview, package, live, layout, manifests) take minutes and
        // cannot kill a mutant of the sandbox's instrumented code, which only this process activates.
        spec: [
            "test/policy/*.spec.ts",
            "test/config.spec.ts",
            "test/ackConfig.spec.ts",
            "test/secrets.spec.ts",
            "test/schemas.spec.ts",
            "test/pure.spec.ts",
            "test/formance.spec.ts",
            "test/versions.spec.ts",
            "test/asmcliScript.spec.ts",
            "test/audit.spec.ts",
            "test/components.spec.ts",
            "test/ackComponents.spec.ts",
            "test/injectorWebhook.spec.ts",
            "test/mutation-*.spec.ts",
        ],
    },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: {
        // Checks each mutant with the files it touches, not the whole project: much faster, same verdicts here.
        prioritizePerformanceOverAccuracy: true,
    },
    coverageAnalysis: "perTest",
    // Not copied into the sandbox: the e2e tool cache (.e2e/ is a symlink to gigabytes of binaries), build
    // output, reports, and the policy pack's own install.
    ignorePatterns: [
        ".e2e",
        ".bench",
        ".scratch",
        "dist",
        "policy/dist",
        "policy/node_modules",
        "reports",
        "run",
        "out",
        ".stryker-tmp",
    ],
    // 2 cores: one test runner each; `--concurrency 1` leaves a core free while others work.
    concurrency: 2,
    // The slowest in-process spec (components, Pulumi mocks) takes seconds; a mutant that loops is a timeout.
    timeoutMS: 20000,
    incremental: true,
    incrementalFile: "reports/mutation/stryker-incremental.json",
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    // Per-group thresholds are checked by test/mutation-groups.mjs; Stryker's own (whole-run) break is off so
    // that the group table is always printed. high/low only colour Stryker's table.
    thresholds: { high: 90, low: 85, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
};
