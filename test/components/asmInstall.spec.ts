import * as assert from "node:assert/strict";
import * as command from "@pulumi/command";
import { parse } from "yaml";
import { AsmInstall } from "../../components/asmInstall";
import { at, oneOfType, record } from "../support/plan";

describe("AsmInstall", () => {
    const asmArgs = {
        version: "1.19.10-asm.26",
        revision: "asm-11910-26",
        revisionTags: [],
        nativeSidecars: true,
        asmcli: "./asmcli",
        ca: "mesh_ca",
        outputDir: "asm-out",
        enableAll: true,
        options: [],
        target: { kind: "gke" as const, project: "acme", clusterName: "formance-asm", location: "europe-west1" },
    };

    it("runs a self-managed asmcli install with the overlay and the revision, never --managed", async () => {
        const res = await record(() => new AsmInstall("asm", asmArgs));
        const cmd = oneOfType(res, "command:local:Command").inputs;
        const script = String(cmd.create);
        assert.match(script, /\.\/asmcli install \\\n/);
        for (const flag of [
            "--project_id acme",
            "--cluster_name formance-asm",
            "--cluster_location europe-west1",
            '--custom_overlay "$overlay"',
            "--revision_name asm-11910-26",
            "--ca mesh_ca",
            '--output_dir "$out"',
            "--enable_all",
        ]) {
            assert.ok(script.includes(flag), `missing ${flag} in:\n${script}`);
        }
        assert.doesNotMatch(script, /--managed/);
        const overlay = parse(String(at(cmd, "environment.NATIVEMESH_OVERLAY")));
        assert.deepEqual(overlay, {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: { values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
        });
    });

    it("re-runs when the overlay or the version changes (triggers)", async () => {
        const triggers = async (over: object) =>
            oneOfType(await record(() => new AsmInstall("asm", { ...asmArgs, ...over })), "command:local:Command")
                .inputs.triggers;
        const base = await triggers({});
        assert.notDeepEqual(await triggers({ nativeSidecars: false }), base);
        assert.notDeepEqual(await triggers({ version: "1.19.10-asm.27", revision: "asm-11910-27" }), base);
        assert.deepEqual(await triggers({ outputDir: "elsewhere" }), base);
    });

    it("targets an existing cluster by kubeconfig and context, and sets revision tags with istioctl", async () => {
        const res = await record(
            () =>
                new AsmInstall("asm", {
                    ...asmArgs,
                    revisionTags: ["prod"],
                    target: { kind: "kubeconfig", kubeconfig: "/home/me/kube config", context: "prod" },
                }),
        );
        const script = String(oneOfType(res, "command:local:Command").inputs.create);
        assert.ok(script.includes("kubeconfig='/home/me/kube config'"));
        assert.ok(script.includes('--kubeconfig "$kubeconfig" --context prod'));
        assert.ok(!script.includes("--project_id"));
        // The tag goes to the cluster asmcli installed on, not to whatever the current context is.
        assert.match(
            script,
            /istioctl tag set prod --revision asm-11910-26 --overwrite --kubeconfig "\$kubeconfig" --context prod/,
        );
        assert.equal(oneOfType(res, "command:local:Command").inputs.stdin, undefined, "a path needs no stdin");
    });

    it("hands a kubeconfig given by its contents over stdin, as a secret, never in the script", async () => {
        const contents = "apiVersion: v1\nkind: Config\n";
        const res = await record(
            () => new AsmInstall("asm", { ...asmArgs, target: { kind: "kubeconfig", kubeconfig: contents } }),
        );
        const cmd = oneOfType(res, "command:local:Command").inputs;
        assert.deepEqual(cmd.stdin, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            plaintext: contents,
        });
        assert.ok(!String(cmd.create).includes("kind: Config"));
        assert.match(String(cmd.create), /--kubeconfig "\$kubeconfig"/);
    });

    it("keeps the script secret when a value written into it is, and only then", async () => {
        const create = async (scriptSecret?: boolean) =>
            oneOfType(await record(() => new AsmInstall("asm", { ...asmArgs, scriptSecret })), "command:local:Command")
                .inputs.create;
        assert.equal(at(await create(true), "4dabf18193072939515e22adb298388d"), "1b47061264138c4ac30d75fd1eb44270");
        assert.equal(typeof (await create(false)), "string");
        assert.equal(typeof (await create(undefined)), "string");
    });

    it("installs Istio CNI through the overlay when asked, with GKE's settings on GKE only", async () => {
        const overlay = async (over: object) =>
            parse(
                String(
                    at(
                        oneOfType(
                            await record(() => new AsmInstall("asm", { ...asmArgs, ...over })),
                            "command:local:Command",
                        ).inputs,
                        "environment.NATIVEMESH_OVERLAY",
                    ),
                ),
            ) as unknown;
        const onGke = await overlay({ cni: true });
        const elsewhere = await overlay({
            cni: true,
            target: { kind: "kubeconfig", kubeconfig: "/home/me/kubeconfig" },
        });
        assert.equal(at(onGke, "spec.components.cni.enabled"), true);
        assert.equal(at(elsewhere, "spec.components.cni.enabled"), true);
        // GKE keeps CNI binaries in /home/kubernetes/bin (istio/istio manifests/charts/istio-cni/README.md, "GKE notes").
        assert.equal(at(onGke, "spec.values.cni.cniBinDir"), "/home/kubernetes/bin");
        assert.equal(at(elsewhere, "spec.values.cni.cniBinDir"), undefined);
        assert.equal(at(await overlay({ cni: false }), "spec.components"), undefined);
    });

    it("re-runs for a new revision name alone, waits for what it is given, and exposes the revision and tags", async () => {
        const triggers = async (over: object) =>
            oneOfType(await record(() => new AsmInstall("asm", { ...asmArgs, ...over })), "command:local:Command")
                .inputs.triggers;
        assert.notDeepEqual(await triggers({ revision: "asm-blue" }), await triggers({}));
        let made: AsmInstall | undefined;
        const res = await record(() => {
            const cluster = new command.local.Command("cluster", { create: "true" });
            made = new AsmInstall("asm", { ...asmArgs, revisionTags: ["prod"], dependsOn: [cluster] });
        });
        const install = res.find((r) => r.name === "asm-asmcli");
        const cluster = res.find((r) => r.name === "cluster");
        assert.deepEqual(install?.options.dependsOn, [cluster?.urn]);
        assert.equal(made?.revision, "asm-11910-26");
        assert.deepEqual(made?.revisionTags, ["prod"]);
        assert.match(String(made?.overlay), /ENABLE_NATIVE_SIDECARS: "true"/);
    });
});
