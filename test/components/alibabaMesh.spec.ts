/** AlibabaMesh joined to an AckCluster under Pulumi's mocks (test/support/ackMocks.ts), and its resource options. */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import type * as AckClusterModule from "../../components/ackCluster";
import type * as AlibabaMeshModule from "../../components/alibabaMesh";
import { AlibabaMesh, type AlibabaMeshArgs } from "../../components/alibabaMesh";
import { at, oneOfType, record } from "../support/plan";
import { sharedSchemasAvailable, validateManifest } from "../support/schemas";
import {
    ASM_KUBECONFIG,
    settled,
    byName,
    plain,
    ackSection,
    loadUnderMocks,
    registeredOfType,
} from "../support/ackMocks";

const SERVICE_MESH = "alicloud:servicemesh/serviceMesh:ServiceMesh";
const ASM_MESH_CONFIG = "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig";

describe("ACK components under Pulumi mocks", function () {
    let ackModule: typeof AckClusterModule;
    let meshModule: typeof AlibabaMeshModule;

    beforeEach(async function () {
        ({ ackModule, meshModule } = await loadUnderMocks());
    });

    describe("AlibabaMesh joined to the ACK cluster", function () {
        let mesh: AlibabaMeshModule.AlibabaMesh;

        beforeEach(async function () {
            const ack = new ackModule.AckCluster("asm", { ...ackSection, clusterName: "mesh-asm" });
            mesh = new meshModule.AlibabaMesh("asm-mesh", {
                version: "v1.22.2.35-ge64ec8af-aliyun",
                clusterSpec: "enterprise",
                name: "mesh-asm",
                vpcId: ack.vpcId,
                vswitchId: ack.vswitchIds.apply((ids) => ids[0]),
                clusterIds: [ack.cluster.id],
                alicloudProvider: ack.alicloudProvider,
            });
            await settled(pulumi.all([mesh.meshConfig.urn, mesh.controlPlaneProvider.urn]));
        });

        it("creates one ServiceMesh at the given version whose clusterIds reference the ACK cluster", function () {
            const meshes = registeredOfType(SERVICE_MESH, "asm-mesh");
            assert.strictEqual(meshes.length, 1);
            const { inputs, provider } = meshes[0];
            assert.strictEqual(inputs.version, "v1.22.2.35-ge64ec8af-aliyun");
            assert.deepStrictEqual(inputs.clusterIds, [byName("asm").id]);
            assert.strictEqual(inputs.edition, "Pro");
            assert.strictEqual(inputs.clusterSpec, "enterprise");
            assert.deepStrictEqual(inputs.network, { vpcId: "vpc-bp1abc2def3", vswitcheList: "vsw-bp1node1" });
            assert.ok(provider?.includes("::asm-alicloud::"), `ServiceMesh uses ${provider}`);
        });

        it("applies the cluster-scoped ASMMeshConfig named default with enableNativeSidecar true", function () {
            const configs = registeredOfType(ASM_MESH_CONFIG, "asm-mesh");
            assert.strictEqual(configs.length, 1);
            const { inputs } = configs[0];
            assert.strictEqual(inputs.apiVersion, "istio.alibabacloud.com/v1beta1");
            assert.strictEqual(inputs.kind, "ASMMeshConfig");
            const metadata = inputs.metadata as Record<string, unknown>;
            assert.strictEqual(metadata.name, "default");
            assert.ok(!("namespace" in metadata), "ASMMeshConfig is cluster-scoped but got a namespace");
            assert.deepStrictEqual(inputs.spec, { enableNativeSidecar: true });
        });

        it("renders an ASMMeshConfig that passes the strict schema check", function () {
            if (!sharedSchemasAvailable()) this.skip(); // ../shared/schemas is absent: nothing to check against
            const { inputs } = registeredOfType(ASM_MESH_CONFIG, "asm-mesh")[0];
            assert.deepStrictEqual(validateManifest(inputs), []);
        });

        it("applies it through the ASM control plane's provider, built from the instance's kubeconfig", function () {
            const meshConfig = registeredOfType(ASM_MESH_CONFIG, "asm-mesh")[0];
            assert.ok(meshConfig.provider?.includes("::asm-mesh-asm::"), `ASMMeshConfig uses ${meshConfig.provider}`);
            const provider = byName("asm-mesh-asm");
            assert.strictEqual(provider.type, "pulumi:providers:kubernetes");
            assert.strictEqual(plain(provider.inputs.kubeconfig), ASM_KUBECONFIG);
            // Server-side apply (the provider's default) adopts ASM's existing object; it must stay on.
            assert.notStrictEqual(String(provider.inputs.enableServerSideApply), "false");
        });

        it("keeps the control plane kubeconfig secret", async function () {
            assert.strictEqual(await pulumi.isSecret(mesh.controlPlaneKubeconfig), true);
        });

        it("labels namespaces istio-injection=enabled when the mesh has no revision", function () {
            assert.deepStrictEqual(mesh.injectionLabels(), { "istio-injection": "enabled" });
            assert.strictEqual(mesh.revision, undefined);
            assert.strictEqual(mesh.version, "v1.22.2.35-ge64ec8af-aliyun");
        });

        it("labels with istio.io/rev alone when a revision or tag is asked for", function () {
            assert.deepStrictEqual(mesh.injectionLabels("canary"), { "istio.io/rev": "canary" });
        });
    });

    describe("AlibabaMesh options", function () {
        const meshArgs: AlibabaMeshModule.AlibabaMeshArgs = {
            version: "v1.24.6.64-g1a2b3c4d-aliyun",
            clusterSpec: "ultimate",
            vpcId: "vpc-bp1abc2def3",
            vswitchId: "vsw-bp1node1",
            clusterIds: ["c-existing"],
        };

        it("writes enableNativeSidecar false when the stack opts out", async function () {
            const mesh = new meshModule.AlibabaMesh("optout", { ...meshArgs, nativeSidecars: false });
            await settled(mesh.meshConfig.urn);
            assert.deepStrictEqual(byName("optout-meshconfig").inputs.spec, { enableNativeSidecar: false });
        });

        it("selects its revision with istio.io/rev and uses a given control plane kubeconfig", async function () {
            const mesh = new meshModule.AlibabaMesh("revised", {
                ...meshArgs,
                revision: "stable",
                controlPlaneKubeconfig: "given-kubeconfig",
            });
            await settled(mesh.controlPlaneProvider.urn);
            assert.deepStrictEqual(mesh.injectionLabels(), { "istio.io/rev": "stable" });
            assert.deepStrictEqual(mesh.injectionLabels("canary"), { "istio.io/rev": "canary" });
            assert.strictEqual(plain(byName("revised-asm").inputs.kubeconfig), "given-kubeconfig");
        });

        const refusals: Array<[string, Partial<AlibabaMeshModule.AlibabaMeshArgs>, RegExp]> = [
            ["a version that does not parse", { version: "latest" }, /version: "latest" is not a version/],
            ["a mesh without clusters", { clusterIds: [] }, /clusterIds: empty/],
            [
                "a revision on a standard instance",
                { clusterSpec: "standard", revision: "canary" },
                /enterprise or ultimate/,
            ],
            ["a revision that is not a DNS label", { revision: "1.23.6" }, /DNS-1123/],
            ["an edition that contradicts the spec", { clusterSpec: "standard", edition: "Pro" }, /edition: Pro/],
        ];
        for (const [what, change, message] of refusals) {
            it(`refuses ${what}`, function () {
                assert.throws(
                    () => new meshModule.AlibabaMesh(`refused-mesh-${what.length}`, { ...meshArgs, ...change }),
                    message,
                );
            });
        }
    });
});

describe("AlibabaMesh: resource options", () => {
    it("adopts ASM's own ASMMeshConfig and leaves it in place on destroy", async () => {
        const res = await record(
            () =>
                new AlibabaMesh("asm", {
                    version: "v1.22.2.35-ge64ec8af-aliyun",
                    clusterSpec: "enterprise",
                    vpcId: "vpc-bp1abc2def3",
                    vswitchId: "vsw-bp1node1",
                    clusterIds: ["c-1"],
                }),
        );
        const meshConfig = oneOfType(res, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig");
        assert.equal(meshConfig.options.retainOnDelete, true, "ASM created it, so destroy must not delete it");
        const provider = res.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "asm-asm");
        // Server-side apply (the provider's default) is what adopts ASM's existing object: never turned off.
        assert.notEqual(provider?.inputs.enableServerSideApply, "false");
    });
});

describe("AlibabaMesh: what the instance is asked for", () => {
    const args: AlibabaMeshArgs = {
        version: "v1.24.6.64-g1a2b3c4d-aliyun",
        clusterSpec: "standard",
        vpcId: "vpc-bp1abc2def3",
        vswitchId: "vsw-bp1node1",
        clusterIds: ["c-1"],
    };
    const serviceMesh = async (change: Partial<AlibabaMeshArgs> = {}) =>
        oneOfType(await record(() => new AlibabaMesh("asm", { ...args, ...change })), SERVICE_MESH);

    it("closed by default: no public API server EIP, no CR aggregation, no CNI, the Default edition of a standard spec", async () => {
        const mesh = await serviceMesh();
        assert.deepEqual(mesh.inputs.loadBalancer, { apiServerPublicEip: false });
        assert.deepEqual(mesh.inputs.extraConfiguration, { crAggregationEnabled: false });
        assert.equal(mesh.inputs.meshConfig, undefined);
        assert.equal(mesh.inputs.edition, "Default");
        assert.ok(mesh.options.additionalSecretOutputs?.includes("kubeconfig"));
    });

    it("native sidecars on when the args are silent; the control plane's provider and switch are the component's children", async () => {
        const res = await record(() => new AlibabaMesh("asm", args));
        const component = oneOfType(res, "nativemesh:index:AlibabaMesh");
        const meshConfig = oneOfType(res, ASM_MESH_CONFIG);
        assert.deepEqual(meshConfig.inputs.spec, { enableNativeSidecar: true });
        assert.equal(meshConfig.parent, component.urn);
        const provider = res.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "asm-asm");
        assert.equal(provider?.parent, component.urn);
        assert.equal(oneOfType(res, SERVICE_MESH).parent, component.urn);
    });

    it("what the args turn on: a public EIP, CR aggregation, the CNI plug-in, the name", async () => {
        const mesh = await serviceMesh({
            apiServerPublicEip: true,
            crAggregationEnabled: true,
            cni: true,
            name: "mesh-prod",
            edition: "Default",
        });
        assert.deepEqual(mesh.inputs.loadBalancer, { apiServerPublicEip: true });
        assert.deepEqual(mesh.inputs.extraConfiguration, { crAggregationEnabled: true });
        assert.deepEqual(mesh.inputs.meshConfig, { sidecarInjector: { initCniConfiguration: { enabled: true } } });
        assert.equal(mesh.inputs.serviceMeshName, "mesh-prod");
        assert.equal(mesh.inputs.edition, "Default");
    });

    it("the ASMMeshConfig is force-patched, so the object ASM made is taken over, and a given kubeconfig stays secret", async () => {
        let made: AlibabaMesh | undefined;
        const res = await record(() => {
            made = new AlibabaMesh("asm", { ...args, controlPlaneKubeconfig: "given-kubeconfig" });
        });
        const meshConfig = oneOfType(res, ASM_MESH_CONFIG);
        assert.equal(meshConfig.name, "asm-meshconfig");
        assert.deepEqual(at(meshConfig.inputs, "metadata.annotations"), { "pulumi.com/patchForce": "true" });
        assert.equal(await pulumi.isSecret(made!.controlPlaneKubeconfig), true);
    });

    const refusals: Array<[string, Partial<AlibabaMeshArgs>, string]> = [
        [
            "a version that does not parse",
            { version: "latest" },
            'AlibabaMesh version: "latest" is not a version; give it as ASM lists it, e.g. "v1.22.2.35-ge64ec8af-aliyun"',
        ],
        [
            "a mesh without clusters",
            { clusterIds: [] },
            "AlibabaMesh clusterIds: empty; the mesh needs the ACK cluster as its data plane",
        ],
        [
            "an edition that contradicts the spec",
            { edition: "Pro" },
            "AlibabaMesh edition: Pro does not go with clusterSpec standard",
        ],
        [
            "a revision that is not a DNS label",
            { clusterSpec: "enterprise", revision: "1.23.6" },
            'AlibabaMesh revision: "1.23.6" is not a DNS-1123 label such as stable, canary or 1-23-6',
        ],
        [
            "a revision on a standard instance",
            { revision: "canary" },
            'AlibabaMesh revision: "canary" needs clusterSpec enterprise or ultimate; standard instances have no revisions',
        ],
    ];
    for (const [what, change, message] of refusals) {
        it(`refuses ${what}, whole`, () => {
            assert.throws(() => new AlibabaMesh("refused", { ...args, ...change }), { message });
        });
    }

    it("accepts an edition that goes with the spec and a revision on an enterprise instance", () => {
        assert.doesNotThrow(
            () => new AlibabaMesh("ok-edition", { ...args, clusterSpec: "enterprise", edition: "Pro" }),
        );
        assert.doesNotThrow(
            () => new AlibabaMesh("ok-revision", { ...args, clusterSpec: "ultimate", revision: "1-24-6" }),
        );
    });
});
