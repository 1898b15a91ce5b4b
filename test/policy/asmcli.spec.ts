// The asmcli reader over the exact Command AsmInstall declares (taken from the component under the offline
// engine, not a copy of its script): the overlay it writes with `(umask 077 && printf '%s\n' "$NATIVEMESH_OVERLAY"
// > "$overlay")` is found and read, for every target and option the component takes, and native-sidecars-enabled
// follows it: on is silent, off is mandatory, an overlay hidden from the pack is cannot-tell.

import { strict as assert } from "node:assert";
import { AsmInstall, type AsmInstallArgs } from "../../components/asmInstall";
import { asmcliInstalls, overlayFiles } from "../../policy/asmcli";
import { evaluatePolicies } from "../../policy/evaluate";
import { COMMAND_TYPE } from "../../policy/command";
import { oneOfType, record } from "../support/plan";

const BASE: AsmInstallArgs = {
    version: "1.27.2-asm.1",
    revision: "asm-1272-1",
    revisionTags: ["prod-stable"],
    nativeSidecars: true,
    asmcli: "./asmcli",
    ca: "mesh_ca",
    outputDir: "asm-out",
    enableAll: true,
    options: [],
    target: { kind: "gke", project: "acme", clusterName: "formance-asm", location: "europe-west1" },
};

async function asmCommand(over: Partial<AsmInstallArgs> = {}) {
    const resources = await record(() => new AsmInstall("asm", { ...BASE, ...over }));
    return oneOfType(resources, COMMAND_TYPE);
}

function nativeVerdicts(props: Record<string, unknown>): string[] {
    return evaluatePolicies([{ urn: "urn:x", type: COMMAND_TYPE, name: "asm", props }], undefined, { strict: true })
        .filter((v) => v.policy === "native-sidecars-enabled")
        .map((v) => `[${v.enforcementLevel}] ${v.message}`);
}

describe("asmcli reader over AsmInstall's own Command", () => {
    const variants: Array<[string, Partial<AsmInstallArgs>]> = [
        ["a GKE target", {}],
        [
            "a kubeconfig path with a context",
            { target: { kind: "kubeconfig", kubeconfig: "~/.kube/config", context: "c" } },
        ],
        [
            "a kubeconfig given by its contents (stdin)",
            { target: { kind: "kubeconfig", kubeconfig: "apiVersion: v1\nkind: Config\n" } },
        ],
        [
            "a fleet, options and no revision tags",
            { fleetId: "fleet-host", options: ["legacy-default-ingressgateway"], revisionTags: [], enableAll: false },
        ],
    ];
    for (const [what, over] of variants) {
        it(`${what}: the overlay is read as written, ENABLE_NATIVE_SIDECARS "true", and the pack is silent under strict`, async () => {
            const command = await asmCommand(over);
            const [install] = asmcliInstalls(COMMAND_TYPE, command.inputs);
            assert.ok(install, "no asmcli install found in the component's script");
            const [overlay] = overlayFiles(install);
            assert.equal(overlay.why, "");
            assert.deepEqual((overlay.document as { spec: unknown }).spec, {
                values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } },
            });
            assert.deepEqual(nativeVerdicts(command.inputs), []);
        });
    }

    it("nativeSidecars false: the overlay leaves the variable unset on 1.27, refused (auto needs the cluster's kubelets)", async () => {
        const command = await asmCommand({ nativeSidecars: false });
        const verdicts = nativeVerdicts(command.inputs);
        assert.ok(verdicts.length > 0 && verdicts.every((v) => v.startsWith("[mandatory]")), verdicts.join("\n"));
    });

    it("nativeSidecars false on 1.19: refused as off, not as cannot-tell", async () => {
        const command = await asmCommand({
            nativeSidecars: false,
            version: "1.19.10-asm.26",
            revision: "asm-11910-26",
        });
        const verdicts = nativeVerdicts(command.inputs);
        assert.ok(verdicts.length > 0, "no verdict");
        assert.ok(
            verdicts.every((v) => v.startsWith("[mandatory]") && !/cannot tell/.test(v)),
            verdicts.join("\n"),
        );
    });

    it("the overlay's environment hidden (a secret): cannot tell, mandatory under strict", async () => {
        const command = await asmCommand();
        const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" };
        const verdicts = nativeVerdicts({ ...command.inputs, environment: { NATIVEMESH_OVERLAY: secret } });
        assert.ok(
            verdicts.some((v) => v.startsWith("[mandatory]") && /cannot tell/.test(v)),
            verdicts.join("\n"),
        );
    });
});
