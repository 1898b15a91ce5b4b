/**
 * `npm run e2e`: builds the real tools (once; e2e/build.sh), starts a loopback Kubernetes control plane with
 * kwok and a local istiod per revision, runs the end-to-end specs against the real Pulumi engine, and stops
 * everything it started, also after a failure or Ctrl-C. Closes with `N passed, N failed`; exits 0 only when
 * all pass. `E2E_KEEP=1` leaves the cluster, istiod and the state running with the local stack deployed, and
 * writes .e2e/env to source; `npm run e2e:down` stops them.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FORMANCE_CRD, formanceCrdChart } from "./lib/charts";
import { startCluster } from "./lib/cluster";
import { CACHE, KUBECONFIG, PASSPHRASE, ROOT, RUN, SHARED, STATE, toolPath } from "./lib/env";
import { IstiodSupervisor } from "./lib/istiod";
import { step, timed } from "./lib/log";
import { pulumiOk } from "./lib/pulumi";
import { running, stopAll } from "./lib/processes";
import { clusterSnapshot } from "./lib/snapshot";
import { localWebhookPort, portTaken, portTakenMessage } from "./lib/webhookPort";
import { Context, LOCAL, Spec } from "./lib/spec";
import { canary, injection, nativeSwitch } from "./specs/injection";
import { firstUp, idempotent } from "./specs/deploy";
import { auditAgrees, packedPack, packUnderEngine } from "./specs/policy";
import { serverDryRun } from "./specs/dryRun";
import { destroy } from "./specs/destroy";
import { liveStatusRestart } from "./specs/live";
import { canaryUpgrade } from "./specs/upgrade";
import { upgradeBetweenReleases } from "./specs/upgradeReleases";
import { gatewayTemplateOk, replicasSeven, rollbackKeepsBase } from "./specs/upgradePaths";
import { guardDroppedRevision, guardFormanceNamespaces, guardVersionBump } from "./specs/guard";
import { secretConfig } from "./specs/secrets";
import { podSecurityAdmission } from "./specs/admission";
import { packageSchema } from "./specs/schema";
import { localStackBack, pythonConsumer, yamlConsumer, yamlConsumerBadInput } from "./specs/consumers";
import { consumerProject } from "./specs/consumerProject";

const SPECS: Spec[] = [
    firstUp,
    idempotent,
    nativeSwitch,
    injection,
    canary,
    liveStatusRestart,
    canaryUpgrade,
    // Takes the local stack down (base cannot go down to the older release) and deploys it as shipped again.
    upgradeBetweenReleases,
    replicasSeven,
    gatewayTemplateOk,
    guardVersionBump,
    guardDroppedRevision,
    guardFormanceNamespaces,
    packUnderEngine,
    packedPack,
    auditAgrees,
    secretConfig,
    podSecurityAdmission,
    serverDryRun,
    packageSchema,
    yamlConsumerBadInput,
    yamlConsumer,
    pythonConsumer,
    consumerProject,
    localStackBack,
    // Leaves istio-base above the shipped stack's version, which nativemesh refuses to go back to: last before destroy.
    rollbackKeepsBase,
    destroy,
];

/** `E2E_ONLY="first up;canary"` runs the specs whose names contain one of those words (in suite order), for
 *  working on one of them; the full run is what CI runs. A word matching no spec is refused before anything
 *  starts. */
function selected(): Spec[] {
    const only = process.env.E2E_ONLY?.split(";")
        .map((w) => w.trim().toLowerCase())
        .filter((w) => w !== "");
    if (only === undefined || only.length === 0) return SPECS;
    const unknown = only.filter((w) => !SPECS.some((s) => s.name.toLowerCase().includes(w)));
    if (unknown.length > 0) throw new Error(`E2E_ONLY: no spec's name contains ${unknown.join(", ")}`);
    return SPECS.filter((s) => only.some((w) => s.name.toLowerCase().includes(w)));
}

function build(): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [path.join(ROOT, "e2e", "build.sh")], { stdio: ["ignore", "inherit", "inherit"] });
        child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`e2e/build.sh exited ${code}`))));
    });
}

/** How often the node lifecycle controller found the (only) node not Ready, from its log. */
function nodeNotReadyCount(): number {
    const log = path.join(RUN, "logs", "kube-controller-manager.log");
    const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    return text.split("\n").filter((l) => l.includes("all Nodes are not-Ready")).length;
}

function writeEnvFile(): void {
    const lines = [
        "# Source this file: the built tools first on PATH, and the loopback cluster and state of `npm run e2e`.",
        `export PATH='${toolPath()}'`,
        `export KUBECONFIG='${KUBECONFIG}'`,
        `export PULUMI_BACKEND_URL='file://${STATE}'`,
        `export PULUMI_CONFIG_PASSPHRASE='${PASSPHRASE}'`,
        `export PULUMI_HOME='${path.join(CACHE, "pulumi-home")}'`,
        "export PULUMI_SKIP_UPDATE_CHECK=true",
        "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
    ];
    fs.writeFileSync(path.join(CACHE, "env"), lines.join("\n") + "\n");
}

async function main(): Promise<number> {
    const keep = process.env.E2E_KEEP === "1";
    if (!fs.existsSync(path.join(SHARED, "schemas", FORMANCE_CRD))) {
        process.stdout.write(
            `e2e skipped: ${path.join(SHARED, "schemas")} is absent (the testbed needs its Formance CRD)\n`,
        );
        return 0;
    }
    selected();
    await timed("building the tools (a cold build takes about an hour on 2 cores; then cached in .e2e/tools)", build);

    // What an earlier run left (E2E_KEEP, or a crash) goes first.
    stopAll();
    const webhookPort = localWebhookPort();
    if (await portTaken(webhookPort)) {
        process.stderr.write(`e2e: ${portTakenMessage(webhookPort)}\n`);
        return 2;
    }
    fs.rmSync(RUN, { recursive: true, force: true });
    fs.mkdirSync(STATE, { recursive: true });
    formanceCrdChart();

    let istiod: IstiodSupervisor | undefined;
    const cleanup = () => {
        istiod?.stop(!keep);
        if (!keep) stopAll();
    };
    const interrupted = (signal: NodeJS.Signals) => {
        process.stderr.write(`\n[e2e] ${signal}: stopping everything the run started\n`);
        istiod?.stop(true);
        stopAll();
        process.exit(130);
    };
    process.on("SIGINT", interrupted);
    process.on("SIGTERM", interrupted);

    let passed = 0;
    let failed = 0;
    try {
        const cluster = await timed("starting the loopback cluster", startCluster);
        istiod = new IstiodSupervisor(cluster.certs);
        istiod.start();
        await pulumiOk(["login", `file://${STATE}`]);
        const ctx: Context = { cluster, istiod, keep, facts: {} };
        for (const spec of selected()) {
            const t0 = Date.now();
            step(`spec: ${spec.name}`);
            try {
                await spec.run(ctx);
                passed++;
                step(`  ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            } catch (err) {
                failed++;
                step(
                    `  FAILED (${((Date.now() - t0) / 1000).toFixed(1)} s): ${err instanceof Error ? err.message : String(err)}`,
                );
                step(`  the cluster at the failure:\n${clusterSnapshot()}`);
            }
        }
        // The testbed itself: its results hold only if the fake node stayed Ready throughout (a NotReady node
        // takes every pod's readiness with it; see the kwok Lease in lib/cluster.ts).
        const flaps = nodeNotReadyCount();
        if (flaps > 0) {
            failed++;
            step(`testbed FAILED: the fake node went NotReady ${flaps} time(s) (kube-controller-manager log)`);
        }
        if (keep) {
            await timed("E2E_KEEP: deploying the local stack again", () =>
                pulumiOk(["up", "--yes", "--policy-pack", "policy", "--stack", LOCAL.stack]),
            );
            writeEnvFile();
            step(
                `E2E_KEEP: left running: ${running().join(", ")}. Run: source .e2e/env; pulumi stack select local. Stop: npm run e2e:down`,
            );
        }
    } catch (err) {
        failed++;
        step(`setup FAILED: ${err instanceof Error ? err.message : String(err)}`);
        step(`logs: ${path.relative(ROOT, path.join(RUN, "logs"))}/`);
    } finally {
        cleanup();
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        process.stderr.write(`e2e: ${err instanceof Error ? err.message : String(err)}\n`);
        stopAll();
        process.stdout.write("0 passed, 1 failed\n");
        process.exit(1);
    },
);
