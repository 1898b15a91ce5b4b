// Mutation tests for two readers of what a stack declares: propsFromState (policy/state.ts: inputs over outputs,
// key by key, lists of equal length entry by entry, a bounded depth) and gcloudMeshFindings (policy/gcloud.ts:
// which gcloud commands switch a managed control plane on). Each table compares the reader's whole answer.
import * as assert from "node:assert/strict";
import { gcloudMeshFindings } from "../../policy/gcloud";

describe("policy readers: gcloudMeshFindings", () => {
    const managed = (what: string): { what: string; managed: true } => ({ what, managed: true });
    const table: Array<[string, string, Array<{ what: string; managed: true | "cannot tell" }>]> = [
        [
            "--management automatic",
            "gcloud container fleet mesh update --management automatic --memberships m",
            [managed("runs `gcloud container fleet mesh update --management automatic`")],
        ],
        [
            "--control-plane=AUTOMATIC under beta and hub",
            "gcloud beta container hub mesh update --control-plane=AUTOMATIC",
            [managed("runs `gcloud container fleet mesh update --control-plane AUTOMATIC`")],
        ],
        [
            "alpha",
            "gcloud alpha container fleet mesh update --management=automatic",
            [managed("runs `gcloud container fleet mesh update --management automatic`")],
        ],
        [
            "both flags",
            "gcloud container fleet mesh update --management automatic --control-plane automatic",
            [
                managed("runs `gcloud container fleet mesh update --management automatic`"),
                managed("runs `gcloud container fleet mesh update --control-plane automatic`"),
            ],
        ],
        ["--management manual", "gcloud container fleet mesh update --management manual", []],
        [
            "a fleet default member config",
            "gcloud container fleet mesh enable --fleet-default-member-config mesh.yaml",
            [
                {
                    what: "runs `gcloud container fleet mesh enable --fleet-default-member-config` with a file",
                    managed: "cannot tell",
                },
            ],
        ],
        [
            "no verb",
            "gcloud container fleet mesh --management=automatic",
            [managed("runs `gcloud container fleet mesh  --management automatic`")],
        ],
        [
            "flags before the group are skipped",
            "gcloud --quiet container fleet mesh update --management=automatic",
            [managed("runs `gcloud container fleet mesh update --management automatic`")],
        ],
        ["not container", "gcloud compute fleet mesh update --management automatic", []],
        ["not fleet or hub", "gcloud container clusters mesh update --management automatic", []],
        ["not mesh", "gcloud container fleet memberships update --management automatic", []],
        [
            "a word before container (not alpha or beta)",
            "gcloud ga container fleet mesh update --management automatic",
            [],
        ],
        ["not gcloud", "kubectl container fleet mesh update --management automatic", []],
    ];
    for (const [name, text, expected] of table) {
        it(name, () => {
            assert.deepStrictEqual(gcloudMeshFindings(text), expected);
        });
    }
});
