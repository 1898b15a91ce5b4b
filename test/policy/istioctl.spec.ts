// Revision tags read from `istioctl tag set` in a Command's shell text, with istioctl's (cobra/pflag) flag forms.

import { strict as assert } from "assert";
import { asmcliInstallScript } from "../../components/render/asmOverlay";
import { istioctlTags } from "../../policy/istioctl";
import { CANNOT_TELL } from "../../policy/read";

const COMMAND = "command:local:Command";
const tagsIn = (create: unknown) => istioctlTags(COMMAND, { create });

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
