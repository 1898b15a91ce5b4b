/**
 * `nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--json]`: every meshed namespace, what
 * it selects (a revision, or a tag and its revision), and every pod there: proxy mode, injecting revision,
 * owning workload, and whether it is stale. Exit codes: 0 every pod that should have the native sidecar of its
 * namespace's current revision has one, 1 otherwise (stale workloads listed with why, or a namespace whose
 * label no control plane serves), 2 bad input (one line on stderr).
 */
import { parseLiveArgs, STATUS_USAGE } from "./args";
import { connect } from "../../components/live/cluster";
import { survey, surveyJson, surveyText } from "./survey";

export interface LiveIo {
    stdout: { write(chunk: string): unknown };
    stderr: { write(chunk: string): unknown };
}

export const STATUS_HELP = [
    STATUS_USAGE,
    "",
    "  Lists every meshed namespace (labelled istio.io/rev=<revision or tag>, or istio-injection=enabled) with the",
    "  revision it selects, and every pod there: proxy mode (native, regular, none), the revision that injected it,",
    "  its owner (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) and its state (ok, opt-out, stale,",
    "  finished, terminating, unjudged). Lists are read in pages of 500.",
    "",
    "  --kubeconfig FILE   the cluster's kubeconfig (required)",
    "  --context NAME      a context of it (default: its current-context)",
    "  --namespace NS      only this namespace",
    "  --json              one JSON object on stdout",
    "",
    "Exit codes: 0 nothing stale, 1 stale workloads (listed with why), 2 bad input (one line on stderr).",
].join("\n");

export async function runStatus(argv: string[], io: LiveIo): Promise<number> {
    const args = parseLiveArgs(argv, "status");
    if (args.help) {
        io.stdout.write(`${STATUS_HELP}\n`);
        return 0;
    }
    const conn = await connect(args);
    const result = await survey(conn, args.namespace);
    io.stdout.write(args.json ? `${JSON.stringify(surveyJson(result), null, 2)}\n` : surveyText(result));
    return result.stale.length > 0 || result.problems.length > 0 ? 1 : 0;
}
