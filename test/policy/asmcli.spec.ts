// policy/asmcli.ts: the overlay files of an asmcli install, read where the Command writes them.
import * as assert from "node:assert/strict";
import { asmcliInstallScript, renderAsmOverlay } from "../../components/render/asmOverlay";
import { asmcliInstalls, overlayFiles } from "../../policy/asmcli";

describe("overlayFiles: the overlay AsmInstall's own script writes", () => {
    const overlay = renderAsmOverlay("1.27.8-asm.9", true, { gke: true });
    const props = (create: string) => ({ create, environment: { NATIVEMESH_OVERLAY: overlay } });
    const script = asmcliInstallScript({
        asmcli: "asmcli",
        version: "1.27.8-asm.9",
        revision: "asm-1278-9",
        revisionTags: [],
        ca: "mesh_ca",
        outputDir: "asm-out",
        enableAll: true,
        options: [],
        target: { kind: "gke", project: "p", clusterName: "c", location: "l" },
    });

    it('is read from the environment variable a subshell redirects into the file (`( ... > "$overlay")`)', () => {
        assert.match(script, /\(umask 077 && printf '%s\\n' "\$NATIVEMESH_OVERLAY" > "\$overlay"\)/);
        const [install] = asmcliInstalls("command:local:Command", props(script));
        const [file] = overlayFiles(install, props(script));
        assert.equal(file.name, "environment.NATIVEMESH_OVERLAY");
        assert.deepEqual((file.document as { spec: { components: unknown } }).spec.components, {
            cni: { enabled: true, namespace: "kube-system" },
        });
    });

    it("is still unreadable when the redirection writes another file", () => {
        const other = script.replace('> "$overlay")', '> "$elsewhere")');
        const [install] = asmcliInstalls("command:local:Command", props(other));
        const [file] = overlayFiles(install, props(other));
        assert.equal(file.name, "$overlay");
        assert.match(file.why, /is not part of the resource/);
    });
});
