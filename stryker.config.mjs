// StrykerJS configuration for `npm run mutate` (docs/MUTATION.md): mutation testing of the policy pack, the pure
// renderers, the config schemas, the ComponentResources and `status`/`restart` (cli/live), with the mocha runner (our .mocharc.json) and the TypeScript checker
// (tsconfig.json), so that mutants the compiler refuses are not counted as killed by a test.
//
// Stryker has one global threshold; ours are per group. `groups` below is read by test/mutation-groups.mjs,
// which `npm run mutate` runs after Stryker: it prints each group's score and fails when one is below its
// `break`. Keep the `mutate` globs and the groups in step: every mutated file belongs to exactly one group.

/** The groups: their files, the specs that test them, and their thresholds (percent of detected mutants, Stryker's
 *  "mutation score"). Each group is its own Stryker run (MUTATE_GROUP=<name>), so that a mutant Stryker cannot
 *  trace to single tests (a "static" one: a module-level constant, run against every spec) runs only its group's
 *  specs. Spec paths mirror the source tree (docs/TESTING.md). Left out of every list: specs that spawn the CLI,
 *  `pulumi`, `npm pack` or the bundle in a child process (test/bench/, test/cli/main, test/cli/preview,
 *  test/package, test/policy/pack, test/layout, test/stacks/manifests); they take minutes and
 *  cannot kill a mutant, which only the test runner's own process activates. */
export const groups = [
    {
        name: "policy",
        description: "policy/: the rules, the readers of what a stack declares, the upstream facts",
        // policy/index.ts only constructs the PolicyPack (which starts its gRPC server); test/policy/pack.spec.ts
        // runs it in a child process. policy/dist/ and policy/node_modules/ are outside the sandbox.
        files: ["policy/**/*.ts", "!policy/index.ts"],
        specs: [
            // Every spec of test/policy/ but pack.spec.ts (a child process) and ownPlans.spec.ts (the offline engine
            // over every stack: seconds per run), and the audit that runs the pack.
            ...[
                "asmcli",
                "clusters",
                "commands/index",
                "config",
                "control-planes",
                "evaluate",
                "evasions",
                "formance-values",
                "fuzz",
                "gcloud",
                "helm-values",
                "istioctl",
                "istiod-manifest",
                "pulumi-adapter",
                "read",
                "revision-tags",
                "rule",
                "shell",
                "state",
                "strict",
                "tag-webhooks",
                "workloads",
            ].map((unit) => `test/policy/${unit}.spec.ts`),
            "test/policy/facts/*.spec.ts",
            "test/policy/rules/*.spec.ts",
            "test/cli/audit.spec.ts",
        ],
        // 90: a rule that stops catching what it names lets a broken mesh through `pulumi preview` unnoticed,
        // the one thing this package promises (issue 13).
        break: 90,
    },
    {
        name: "render",
        description:
            "components/render/*.ts: the pure renderers (istiod values, asmcli overlay and script, canary Job)",
        files: ["components/render/*.ts"],
        specs: [
            "test/components/render/*.spec.ts",
            "test/cli/planOutput.spec.ts",
            "test/policy/facts/formance.spec.ts",
            // The ComponentResources that render through them, under Pulumi's mocks.
            ...[
                "asmInstall",
                "formanceSettings",
                "gkeCluster",
                "injectorWebhook",
                "istioControlPlane",
                "meshNamespace",
                "sidecarCanary",
            ].map((unit) => `test/components/${unit}.spec.ts`),
            "test/policy/istioctl.spec.ts",
            // Not test/policy/rules/index.spec.ts: its fixture table renders an asmcli script when mocha loads it,
            // which would make every mutant of that script "static" (run against every spec of the group, ~20 s
            // each).
            "test/components/config/revisions.spec.ts",
        ],
        // 90: what they render is what the clusters run; a wrong value reaches a cluster, not a message.
        break: 90,
    },
    {
        name: "config",
        description:
            "components/config/{config,ackConfig,revisions,charts,ownedValues}.ts: the stack config schemas, their cross-field checks, the revision planner, chart references and the chart values nativemesh owns",
        // stackConfig.ts is left out: it is the Pulumi glue (runtime config, the stack file on disk) around these,
        // tested through the CLI in child processes. revisions.ts (the revision planner, which config.ts runs
        // for its refusals) is tested by test/components/config/revisions.spec.ts.
        files: [
            "components/config/config.ts",
            "components/config/ackConfig.ts",
            "components/config/revisions.ts",
            "components/config/charts.ts",
            "components/config/ownedValues.ts",
        ],
        specs: [
            "test/components/config/config.spec.ts",
            "test/components/config/charts.spec.ts",
            "test/components/config/ackConfig.spec.ts",
            "test/components/config/revisions.spec.ts",
            "test/components/config/ownedValues.spec.ts",
        ],
        // 85: lower than the others because many survivors there are wording inside error messages whose key
        // and fix are pinned by tests but whose prose is not (issue 13 sets 85 for the schemas).
        break: 85,
    },
    {
        name: "secrets",
        description: "components/config/secrets.ts: which config values are secret, and keeping them out of messages",
        files: ["components/config/secrets.ts"],
        // Its own group because test/components/config/secrets.spec.ts runs the offline preview engine (about 15 s a run): with
        // the config group, every static mutant there would pay for it.
        specs: ["test/components/config/secrets.spec.ts", "test/components/config/config.spec.ts"],
        // 85, as the config schemas it belongs to.
        break: 85,
    },
    {
        name: "live",
        description:
            "cli/live/*.ts and components/live/*.ts: `nativemesh status` and `restart` (pod classification, rollout, the API client) and the upgrade guard (what still uses a revision, the Formance namespaces)",
        files: ["cli/live/*.ts", "components/live/*.ts"],
        // Its own TypeScript program: @kubernetes/client-node's typings would slow every other group's checks.
        tsconfig: "tsconfig.mutate-live.json",
        // test/cli/live/args.spec.ts: its in-process block calls parseLiveArgs directly; its child-process tests
        // (the CLI as a user runs it) cannot kill a mutant, and per-test coverage runs them only for static ones.
        specs: [
            ...["classify", "cluster", "formanceNamespaces", "guard", "printable", "removal", "templates"].map(
                (unit) => `test/components/live/${unit}.spec.ts`,
            ),
            ...["args", "desired", "restart", "rollout", "status"].map((unit) => `test/cli/live/${unit}.spec.ts`),
            // components/live/usage.ts (the one-line usage errors and input files), which cli/inputFiles re-exports.
            "test/components/live/usage.spec.ts",
            "test/cli/inputFiles.spec.ts",
        ],
        // 90 (issue 19): a wrong verdict on a pod leaves a workload without its native sidecar, or restarts one
        // that needed nothing, on a live cluster.
        break: 90,
    },
    {
        name: "components",
        description: "components/*.ts: the ComponentResources, what they declare from their args",
        // components/index.ts only re-exports.
        files: ["components/*.ts", "!components/index.ts"],
        // Its own TypeScript program: the Pulumi provider typings (gcp, alicloud, kubernetes) make each load slow.
        tsconfig: "tsconfig.mutate-components.json",
        // Each ComponentResource's spec, under Pulumi's mocks in the test runner's process. Not the CLI's
        // preview specs, which plan whole stacks (minutes for every static mutant).
        specs: ["test/components/*.spec.ts"],
        // 90 (issue 19): what they declare is what Pulumi creates; a dropped or wrong argument reaches a cluster.
        break: 90,
    },
];

const only = process.env.MUTATE_GROUP;
const selected = only === undefined ? groups : groups.filter((group) => group.name === only);
if (selected.length === 0) throw new Error(`MUTATE_GROUP=${only}: no such group (${groups.map((g) => g.name)})`);
/** Where a run's reports and incremental file go: reports/mutation/<group>.{html,json} (or all.*). */
export const reportBase = `reports/mutation/${only ?? "all"}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    mutate: selected.flatMap((group) => group.files),
    testRunner: "mocha",
    mochaOptions: {
        // The same require hooks (tsx/cjs, the fast-check seed) and extensions as `npm test`.
        config: ".mocharc.json",
        spec: [...new Set(selected.flatMap((group) => group.specs))],
    },
    checkers: ["typescript"],
    // Only the mutated files and their imports (tsconfig.mutate.json, or the group's own `tsconfig`): with the
    // whole project, each check also loads the Pulumi provider typings and takes seconds. A run of every group at
    // once (no MUTATE_GROUP) needs the whole project.
    tsconfigFile: only === undefined ? "tsconfig.json" : (selected[0].tsconfig ?? "tsconfig.mutate.json"),
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
    // Off by default: figures come from a run that tests every mutant. `--incremental` reuses the last results
    // while raising tests (cheap re-runs), but Stryker reuses a static mutant's result even after the tests that
    // kill it were added (it has no per-test coverage to compare), so an incremental score can be too low.
    incremental: false,
    incrementalFile: `${reportBase}-incremental.json`,
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: `${reportBase}.html` },
    jsonReporter: { fileName: `${reportBase}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    // Per-group thresholds are checked by test/mutation-groups.mjs; Stryker's own (whole-run) break is off so
    // that the group table is always printed. high/low only colour Stryker's table.
    thresholds: { high: 90, low: 85, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
};
