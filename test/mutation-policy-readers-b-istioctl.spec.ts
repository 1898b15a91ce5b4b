// What policy/istioctl.ts reads from a Command's `create`: the revision tags `istioctl tag set TAG --revision REV`
// makes, each invocation a row, compared whole. Every flag istioctl knows is read as it parses it (taking a value
// or not), and an unknown flag that changes the reading makes the tag "cannot tell".

import * as assert from "node:assert/strict";
import { COMMAND_TYPE } from "../policy/asmcli";
import { istioctlTags, type RevisionTag } from "../policy/istioctl";
import { CANNOT_TELL } from "../policy/read";

const CANNOT: RevisionTag = { tag: CANNOT_TELL, revision: CANNOT_TELL };

describe("policy istioctl tags (b)", () => {
    const table: Array<[string, RevisionTag[]]> = [
        ["istioctl tag set prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        // Flags that take a value, before the tag.
        ["istioctl tag set --manifests m prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --webhook-name w prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --kubeconfig k prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --context c prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --istioNamespace i prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --namespace n prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --vklog 9 prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        // Boolean flags, before the tag.
        ["istioctl tag set --overwrite prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --skip-confirmation prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --auto-inject-namespaces prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --help prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        // Shorthands.
        ["istioctl tag set -d m prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set -c k prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set -i i prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set -n n prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set -y prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set -h prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set prod -r canary -n istio-system", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set prod -rcan=ary", [{ tag: "prod", revision: "can=ary" }]],
        ["istioctl tag set prod -r=canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set prod -yrcanary", [{ tag: "prod", revision: "canary" }]],
        // Leading words of the older forms.
        ["istioctl x revision tag set prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl exp revision tag set prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl experimental revision tag set prod --revision canary", [{ tag: "prod", revision: "canary" }]],
        // `--` ends the flags; a lone `-` is a word.
        ["istioctl tag set --revision canary -- prod", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set - prod -r canary", [{ tag: "-", revision: "canary" }]],
        // Unknown flags: read both ways.
        ["istioctl tag set --foo=bar prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["istioctl tag set --foo x prod --revision a", [{ tag: CANNOT_TELL, revision: "a" }]],
        ["istioctl tag set -q x prod -r canary", [{ tag: CANNOT_TELL, revision: "canary" }]],
        ["istioctl tag set prod --foo -r canary", [{ tag: CANNOT_TELL, revision: "canary" }]],
        ["istioctl tag set prod --revision a --foo --revision b", [CANNOT]],
        // Not a tag set.
        ["istioctl foo set prod -r canary", []],
        ["istioctl tag list prod -r canary", []],
        ["istioctl tag set -r canary", []],
        ["istioctl tag set prod", []],
        ["istioctl x", []],
        ["echo istio", []],
        [
            "istioctl tag set a --revision r1 && istioctl tag set b --revision r2",
            [
                { tag: "a", revision: "r1" },
                { tag: "b", revision: "r2" },
            ],
        ],
    ];
    for (const [create, expected] of table) {
        it(create, () => assert.deepEqual(istioctlTags(COMMAND_TYPE, { create }), expected));
    }
    it("reads every text of local and remote Commands, not a create that is not a string", () => {
        assert.deepEqual(istioctlTags("command:remote:Command", { update: "istioctl tag set a --revision r" }), [
            { tag: "a", revision: "r" },
        ]);
        assert.deepEqual(istioctlTags(COMMAND_TYPE, { create: ["istioctl tag set a --revision r"] }), []);
        assert.deepEqual(
            istioctlTags("kubernetes:core/v1:ConfigMap", { create: "istioctl tag set a --revision r" }),
            [],
        );
    });
});
