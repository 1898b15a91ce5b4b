// Revision tags read from `istioctl tag set` in a Command's shell text, with istioctl's (cobra/pflag) flag forms.
import { strict as assert } from "assert";
import { asmcliInstallScript } from "../../components/render/asmOverlay";
import { COMMAND_TYPE } from "../../policy/asmcli";
import { istioctlTags, type RevisionTag } from "../../policy/istioctl";
import { CANNOT_TELL } from "../../policy/read";

const COMMAND = "command:local:Command";

const tagsIn = (create: unknown) => istioctlTags(COMMAND, { create });

const CANNOT: RevisionTag = { tag: CANNOT_TELL, revision: CANNOT_TELL };

describe("istioctlTags", () => {
    const cases: Array<[string, Array<{ tag: string | typeof CANNOT_TELL; revision: string | typeof CANNOT_TELL }>]> = [
        ["istioctl tag set prod --revision 1-28-1", [{ tag: "prod", revision: "1-28-1" }]],
        ["istioctl tag set prod --revision=1-28-1 --overwrite", [{ tag: "prod", revision: "1-28-1" }]],
        ["istioctl tag set prod -r 1-28-1", [{ tag: "prod", revision: "1-28-1" }]],
        ["istioctl tag set prod -r=1-28-1", [{ tag: "prod", revision: "1-28-1" }]],
        ["istioctl tag set prod -r1-28-1", [{ tag: "prod", revision: "1-28-1" }]],
        ["istioctl tag set -yr 1-28-1 prod", [{ tag: "prod", revision: "1-28-1" }]],
        [
            "/out/istio-1.28.1/bin/istioctl --context c -i istio-system tag set prod -r r1",
            [{ tag: "prod", revision: "r1" }],
        ],
        ["istioctl x revision tag set prod -r r1", [{ tag: "prod", revision: "r1" }]],
        [
            "istioctl tag set prod -r r1 && istioctl tag set canary -r r2",
            [
                { tag: "prod", revision: "r1" },
                { tag: "canary", revision: "r2" },
            ],
        ],
        ['istioctl tag set "$TAG" -r r1', [{ tag: CANNOT_TELL, revision: "r1" }]],
        ["istioctl tag set prod -r $(cat rev)", [{ tag: "prod", revision: CANNOT_TELL }]],
        ["istioctl --some-new-flag v tag set prod -r r1", [{ tag: CANNOT_TELL, revision: "r1" }]],
        ["istioctl tag set prod -r r1 --some-new-flag", [{ tag: "prod", revision: "r1" }]],
        ["istioctl tag set prod", []],
        ["istioctl tag generate prod -r r1", []],
        ["istioctl tag list", []],
        ["istioctl install --revision r1", []],
        // The shell removes quotes and backslashes before it looks the program up: these run istioctl too.
        ['is"tio"ctl tag set prod --revision canary', [{ tag: "prod", revision: "canary" }]],
        ["istio\\ctl tag set prod -r canary", [{ tag: "prod", revision: "canary" }]],
        ["'istioctl' tag set prod -r canary", [{ tag: "prod", revision: "canary" }]],
    ];
    for (const [create, expected] of cases) {
        it(`${create} -> ${expected.length} tag(s)`, () => assert.deepEqual(tagsIn(create), expected));
    }

    it("reads the tags of our AsmInstall script (components/render/asmOverlay.ts)", () => {
        const script = asmcliInstallScript({
            asmcli: "/opt/asmcli",
            version: "1.19.10-asm.26",
            revision: "asm-11910-26",
            revisionTags: ["prod-stable", "canary"],
            ca: "mesh_ca",
            outputDir: "/tmp/out dir",
            enableAll: true,
            options: [],
            target: { kind: "kubeconfig", kubeconfig: "/k/config" },
        });
        assert.deepEqual(tagsIn(script), [
            { tag: "prod-stable", revision: "asm-11910-26" },
            { tag: "canary", revision: "asm-11910-26" },
        ]);
    });

    it("nothing for other types and unreadable create", () => {
        assert.deepEqual(istioctlTags("kubernetes:core/v1:Namespace", { create: "istioctl tag set a -r b" }), []);
        assert.deepEqual(tagsIn("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), []);
        assert.deepEqual(tagsIn(42), []);
    });
});

// What policy/istioctl.ts reads from a Command's `create`: the revision tags `istioctl tag set TAG --revision REV`
// makes, each invocation a row, compared whole. Every flag istioctl knows is read as it parses it (taking a value
// or not), and an unknown flag that changes the reading makes the tag "cannot tell".

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
    it("reads only a Command's create", () => {
        assert.deepEqual(istioctlTags("command:remote:Command", { create: "istioctl tag set a --revision r" }), []);
        assert.deepEqual(istioctlTags(COMMAND_TYPE, { create: ["istioctl tag set a --revision r"] }), []);
    });
});
