/**
 * MeshEnvironment under Pulumi's mocks: what it hands its parts from a validated stack configuration. On an
 * existing cluster, so that only the mesh, the namespaces and the canaries are declared.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { validateConfig } from "../../components/config/config";
import { MeshEnvironment } from "../../components/meshEnvironment";
import type { PlannedResource } from "../../cli/engine";
import { recordProgram } from "../../cli/engine";
import { at, ofType, oneOfType, record, TEST_INVOKES } from "../support/plan";
import { ACK_SECTION, GKE_SECTION } from "../support/configFixtures";

/** A validated existing-cluster config with a Helm mesh section of `mesh`. */
const existing = (mesh: Record<string, unknown>, namespaces: unknown[] = [{ name: "payments" }]) =>
    validateConfig({
        cloud: "existing",
        existing: { kubeconfig: "~/.kube/config" },
        mesh: { method: "helm", ...mesh },
        namespaces,
    });

const plan = (spec: ReturnType<typeof validateConfig>) => record(() => new MeshEnvironment("env", { spec }));

/** ENABLE_NATIVE_SIDECARS of every istiod release, by the revision it installs. */
const istiodSwitches = (resources: PlannedResource[]) =>
    Object.fromEntries(
        ofType(resources, "kubernetes:helm.sh/v3:Release")
            .filter((release) => release.inputs.chart === "istiod")
            .map((release) => [at(release.inputs, "values.revision"), at(release.inputs, "values.pilot.env")]),
    );

/** The istio.io/rev label of each namespace the environment declares, by name. */
const revisionLabels = (resources: PlannedResource[]) =>
    Object.fromEntries(
        ofType(resources, "kubernetes:core/v1:Namespace").map((ns) => [
            at(ns.inputs, "metadata.name"),
            at(ns.inputs, "metadata.labels") as Record<string, string>,
        ]),
    );

describe("MeshEnvironment", () => {
    describe("mesh.nativeSidecars reaches the control plane", () => {
        for (const nativeSidecars of [true, false]) {
            it(`Helm: every istiod release runs with ENABLE_NATIVE_SIDECARS=${nativeSidecars}`, async () => {
                const res = await plan(
                    existing({ nativeSidecars, revisions: [{ version: "1.28.1" }, { version: "1.29.0" }] }, [
                        { name: "payments", revision: "1-29-0" },
                    ]),
                );
                const env = { ENABLE_NATIVE_SIDECARS: String(nativeSidecars) };
                assert.deepEqual(istiodSwitches(res), { "1-28-1": env, "1-29-0": env });
            });

            it(`asmcli: the overlay sets ENABLE_NATIVE_SIDECARS=${nativeSidecars}`, async () => {
                const res = await plan(
                    existing({
                        method: "asmcli",
                        version: "1.27.2-asm.1",
                        nativeSidecars,
                        asmcli: { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" },
                    }),
                );
                const install = oneOfType(res, "command:local:Command").inputs;
                const overlay = parse(String(at(install, "environment.NATIVEMESH_OVERLAY"))) as unknown;
                assert.deepEqual(at(overlay, "spec.values.pilot.env"), {
                    ENABLE_NATIVE_SIDECARS: String(nativeSidecars),
                });
            });
        }
    });

    describe("a namespace's revisionTag", () => {
        /** Two revisions side by side, `prod` at `at`; payments follows the tag, ledger names a revision. */
        const tagged = (at: string) =>
            existing(
                {
                    revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                    revisionTags: [{ name: "prod", revision: at }],
                },
                [
                    { name: "payments", revisionTag: "prod" },
                    { name: "ledger", revision: "1-28-1" },
                ],
            );

        it("labels the namespace with the tag, never the revision the tag points at", async () => {
            const labels = revisionLabels(await plan(tagged("1-28-1")));
            assert.equal(labels.payments["istio.io/rev"], "prod");
            assert.equal(labels.ledger["istio.io/rev"], "1-28-1");
        });

        it("moving the tag leaves the namespace as it is: the tag's webhook moves its pods", async () => {
            const before = await plan(tagged("1-28-1"));
            const after = await plan(tagged("1-29-0"));
            // The user's namespaces; the canary's own namespaces do move with the tag, on purpose.
            const users = (res: PlannedResource[]) => {
                const { payments, ledger } = revisionLabels(res);
                return { payments, ledger };
            };
            assert.deepEqual(users(after), users(before));
            // What does move: the tag's objects, rendered for the revision it now points at.
            const tagRevision = (res: PlannedResource[]) =>
                ofType(res, "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration")
                    .map((hook) => at(hook.inputs, "metadata.labels") as Record<string, string>)
                    .filter((labels) => labels["istio.io/tag"] === "prod")
                    .map((labels) => labels["istio.io/rev"]);
            assert.deepEqual(tagRevision(before), ["1-28-1"]);
            assert.deepEqual(tagRevision(after), ["1-29-0"]);
        });
    });
});

/** The last segment of each URN a resource waits for. */
const waitsFor = (resource: PlannedResource) => resource.options.dependsOn.map((urn) => urn.split("::").pop());

/** The one resource of `type` named `name`. */
const named = (resources: PlannedResource[], type: string, name: string) => {
    const found = ofType(resources, type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `one ${type} named ${name}: ${ofType(resources, type).map((r) => r.name)}`);
    return found[0];
};

/** Whether a recorded value is a secret (the engine's wrapper; its plaintext is revealed in tests). */
const isSecretValue = (value: unknown) =>
    typeof value === "object" && value !== null && "plaintext" in value && Object.keys(value).length === 2;

describe("MeshEnvironment: the cluster it runs on", () => {
    it("an existing cluster: one Kubernetes provider with the kubeconfig secret and the context as given", async () => {
        const spec = validateConfig({
            cloud: "existing",
            existing: { kubeconfig: "~/.kube/config", context: "ops" },
            mesh: { method: "helm", version: "1.29.0" },
        });
        const res = await plan(spec);
        const provider = named(res, "pulumi:providers:kubernetes", "env-k8s").inputs;
        assert.ok(isSecretValue(provider.kubeconfig), JSON.stringify(provider.kubeconfig));
        assert.equal(at(provider, "kubeconfig.plaintext"), "~/.kube/config");
        assert.equal(provider.context, "ops");
        // Every Kubernetes object of the mesh goes through that provider, not the ambient one.
        assert.equal(ofType(res, "pulumi:providers:kubernetes").length, 1);
        assert.equal(named(res, "pulumi:providers:kubernetes", "env-k8s").parent?.split("::").pop(), "env");
    });

    it("an existing cluster's context given as a secret stays secret in the provider", async () => {
        const spec = validateConfig(
            {
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config", context: "ops" },
                mesh: { method: "helm", version: "1.29.0" },
            },
            { secretPaths: [["existing", "context"]] },
        );
        const provider = named(await plan(spec), "pulumi:providers:kubernetes", "env-k8s").inputs;
        assert.ok(isSecretValue(provider.context), JSON.stringify(provider.context));
        assert.equal(at(provider, "context.plaintext"), "ops");
    });

    it("an existing cluster: the component's kubeconfig output is the given one, kept secret", async () => {
        let env: MeshEnvironment | undefined;
        await record(() => {
            env = new MeshEnvironment("env", { spec: existing({ version: "1.29.0" }) });
        });
        const output = env?.kubeconfig as unknown as { isSecret: Promise<boolean>; promise(): Promise<string> };
        assert.equal(await output.isSecret, true);
        assert.equal(await output.promise(), "~/.kube/config");
    });

    it("GKE: the cluster is a GkeCluster child and the mesh waits for it", async () => {
        const res = await plan(
            validateConfig({
                cloud: "gke",
                gke: GKE_SECTION,
                mesh: { method: "helm", version: "1.29.0" },
            }),
        );
        const gke = named(res, "nativemesh:index:GkeCluster", "env-gke");
        assert.equal(gke.parent?.split("::").pop(), "env");
        const istio = named(res, "nativemesh:index:IstioControlPlane", "env-istio");
        assert.ok(waitsFor(istio).includes("env-gke"), JSON.stringify(waitsFor(istio)));
        // The mesh's objects go to the GKE cluster's provider: no provider of an existing cluster is made.
        assert.equal(ofType(res, "pulumi:providers:kubernetes").filter((p) => p.name === "env-k8s").length, 0);
    });

    it("GKE: the Istio CNI node agent installs into GKE's CNI bin dir; on another cluster, where the chart puts it", async () => {
        // istio/istio manifests/charts/istio-cni/README.md, "GKE notes": GKE's runtime reads /home/kubernetes/bin.
        const cniValuesOf = (resources: PlannedResource[]) =>
            ofType(resources, "kubernetes:helm.sh/v3:Release").find((release) => release.inputs.chart === "cni")?.inputs
                .values;
        const onGke = await plan(
            validateConfig({ cloud: "gke", gke: GKE_SECTION, mesh: { method: "helm", version: "1.29.0" } }),
        );
        assert.equal(at(cniValuesOf(onGke), "cni.cniBinDir"), "/home/kubernetes/bin");
        assert.equal(at(cniValuesOf(onGke), "global.platform"), "gke");
        const elsewhere = await plan(existing({ version: "1.29.0" }));
        assert.notEqual(cniValuesOf(elsewhere), undefined, "the cni release is declared");
        assert.equal(at(cniValuesOf(elsewhere), "cni.cniBinDir"), undefined);
        assert.equal(at(cniValuesOf(elsewhere), "global.platform"), undefined);
    });

    it("ACK: the cluster is an AckCluster child and the mesh waits for it", async () => {
        const res = await plan(
            validateConfig({ cloud: "ack", ack: ACK_SECTION, mesh: { method: "helm", version: "1.29.0" } }),
        );
        const ack = named(res, "nativemesh:index:AckCluster", "env-ack");
        assert.equal(ack.parent?.split("::").pop(), "env");
        assert.ok(waitsFor(named(res, "nativemesh:index:IstioControlPlane", "env-istio")).includes("env-ack"));
    });
});

describe("MeshEnvironment: the control plane it hands the config to", () => {
    it("Helm: the revision plan, CNI, replicas, namespace and values reach IstioControlPlane's releases", async () => {
        const res = await plan(
            existing({
                version: "1.29.0",
                cni: false,
                istiodReplicas: 3,
                namespace: "mesh-system",
                istiodValues: { pilot: { resources: { requests: { cpu: "250m" } } } },
                baseValues: { base: { validationCABundle: "" } },
            }),
        );
        const istiod = named(res, "kubernetes:helm.sh/v3:Release", "env-istio-istiod-1-29-0").inputs;
        assert.equal(istiod.namespace, "mesh-system");
        assert.equal(at(istiod, "values.revision"), "1-29-0");
        assert.equal(at(istiod, "values.pilot.replicaCount"), 3);
        assert.equal(at(istiod, "values.pilot.resources.requests.cpu"), "250m");
        assert.equal(ofType(res, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "cni").length, 0);
        const base = named(res, "kubernetes:helm.sh/v3:Release", "env-istio-base").inputs;
        assert.equal(at(base, "values.base.validationCABundle"), "");
    });

    it("Helm: istiod values given as a secret, in mesh.istiodValues or a revision's, keep the releases' values secret", async () => {
        for (const secretPath of [
            ["mesh", "istiodValues"],
            ["mesh", "revisions", 1, "istiodValues"],
        ]) {
            const spec = validateConfig(
                {
                    cloud: "existing",
                    existing: { kubeconfig: "~/.kube/config" },
                    mesh: {
                        method: "helm",
                        ...(secretPath.length === 2 ? { istiodValues: { meshConfig: { trustDomain: "acme" } } } : {}),
                        revisions: [
                            { version: "1.28.1" },
                            { version: "1.29.0", istiodValues: { meshConfig: { trustDomain: "acme" } } },
                        ],
                    },
                    namespaces: [{ name: "payments", revision: "1-29-0" }],
                },
                { secretPaths: [secretPath] },
            );
            const releases = ofType(await plan(spec), "kubernetes:helm.sh/v3:Release").filter(
                (r) => r.inputs.chart === "istiod",
            );
            assert.equal(releases.length, 2);
            for (const release of releases) {
                assert.ok(isSecretValue(release.inputs.values), `${secretPath.join(".")}: ${release.name}`);
            }
        }
    });

    it("asmcli: the install targets the GKE cluster it names, or the existing cluster's kubeconfig", async () => {
        const asmcli = { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" };
        const onGke = await plan(
            validateConfig({
                cloud: "gke",
                gke: GKE_SECTION,
                mesh: { method: "asmcli", version: "1.27.2-asm.1", asmcli },
            }),
        );
        const gkeScript = String(at(oneOfType(onGke, "command:local:Command").inputs, "create"));
        assert.match(gkeScript, /--project_id[= ]'?acme-mesh-dev/);
        assert.match(gkeScript, /--cluster_name[= ]'?mesh-dev/);
        assert.match(gkeScript, /--cluster_location[= ]'?europe-west1/);
        assert.doesNotMatch(gkeScript, /--kubeconfig/);

        const onExisting = await plan(existing({ method: "asmcli", version: "1.27.2-asm.1", asmcli }));
        const existingScript = String(at(oneOfType(onExisting, "command:local:Command").inputs, "create"));
        assert.match(existingScript, /--kubeconfig/);
        assert.doesNotMatch(existingScript, /--project_id/);
    });

    it("Helm: base values given as a secret keep the base release's values secret, and only then", async () => {
        const baseRelease = async (secretPaths: Array<Array<string | number>>) =>
            ofType(
                await plan(
                    validateConfig(
                        {
                            cloud: "existing",
                            existing: { kubeconfig: "~/.kube/config" },
                            mesh: { method: "helm", version: "1.29.0", baseValues: { global: { hub: "r.example" } } },
                        },
                        { secretPaths },
                    ),
                ),
                "kubernetes:helm.sh/v3:Release",
            ).find((r) => r.inputs.chart === "base")!;
        assert.ok(isSecretValue((await baseRelease([["mesh", "baseValues"]])).inputs.values));
        assert.ok(!isSecretValue((await baseRelease([])).inputs.values));
    });

    it("asmcli: the script is secret when it holds a secret asmcli option or a secret context, and only then", async () => {
        const asmcli = {
            path: "./asmcli",
            ca: "mesh_ca",
            outputDir: "asm-out",
            fleetId: "acme-fleet",
            options: ["envoy-access-log"],
        };
        const script = async (secretPaths: Array<Array<string | number>>, kubeconfig = "~/.kube/config") =>
            at(
                oneOfType(
                    await plan(
                        validateConfig(
                            {
                                cloud: "existing",
                                existing: { kubeconfig, context: "ops" },
                                mesh: { method: "asmcli", version: "1.27.2-asm.1", asmcli },
                            },
                            { secretPaths },
                        ),
                    ),
                    "command:local:Command",
                ).inputs,
                "create",
            );
        assert.ok(isSecretValue(await script([["mesh", "asmcli", "options"]])), "a secret asmcli option");
        assert.ok(isSecretValue(await script([["existing", "context"]])), "a secret context");
        assert.ok(!isSecretValue(await script([])), "nothing secret");
        // A secret kubeconfig path is written into the script; secret contents go to asmcli on stdin instead.
        assert.ok(isSecretValue(await script([["existing", "kubeconfig"]])), "a secret kubeconfig path");
        const contents = "apiVersion: v1\nkind: Config\nclusters: []\n";
        assert.ok(!isSecretValue(await script([["existing", "kubeconfig"]], contents)), "secret kubeconfig contents");
    });

    it("every resource it declares sits under the environment: Helm, asmcli and managed alike", async () => {
        const asmcli = { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" };
        for (const spec of [
            existing({ version: "1.29.0" }),
            existing({ method: "asmcli", version: "1.27.2-asm.1", asmcli }),
            validateConfig({ cloud: "gke", gke: GKE_SECTION, mesh: { method: "managed", version: "1.29.0" } }),
        ]) {
            const res = await plan(spec);
            const env = oneOfType(res, "nativemesh:index:MeshEnvironment");
            const byUrn = new Map(res.map((r) => [r.urn, r]));
            const under = (r: PlannedResource): boolean =>
                r.parent === env.urn || (r.parent !== undefined && byUrn.has(r.parent) && under(byUrn.get(r.parent)!));
            const outside = res.filter((r) => r !== env && r.type !== "pulumi:pulumi:Stack" && !under(r));
            assert.deepEqual(
                outside.map((r) => `${r.type} ${r.name}`),
                [],
                spec.mesh.method,
            );
        }
    });

    it("asmcli: the namespaces wait for the install", async () => {
        const asmcli = { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" };
        const res = await plan(existing({ method: "asmcli", version: "1.27.2-asm.1", asmcli }));
        const namespace = named(res, "nativemesh:index:MeshNamespace", "env-ns-payments");
        // A component in dependsOn stands for its custom children: asmcli's Command.
        assert.ok(waitsFor(namespace).includes("env-asm-asmcli"), JSON.stringify(waitsFor(namespace)));
    });

    it("managed: the membership links the cluster GKE made, by its resource link", async () => {
        const spec = validateConfig({ cloud: "gke", gke: GKE_SECTION, mesh: { method: "managed", version: "1.29.0" } });
        const { resources } = await recordProgram("test", {}, () => new MeshEnvironment("env", { spec }), {
            invokes: TEST_INVOKES,
            outputs: (type) =>
                type === "gcp:container/cluster:Cluster"
                    ? { id: "projects/acme-mesh-dev/locations/europe-west1/clusters/mesh-dev" }
                    : undefined,
        });
        const membership = named(resources, "gcp:gkehub/membership:Membership", "env-membership");
        assert.equal(
            at(membership.inputs, "endpoint.gkeCluster.resourceLink"),
            "//container.googleapis.com/projects/acme-mesh-dev/locations/europe-west1/clusters/mesh-dev",
        );
    });

    it("managed: Google's servicemesh fleet feature, the cluster's membership and MANAGEMENT_AUTOMATIC", async () => {
        const res = await plan(
            validateConfig({
                cloud: "gke",
                gke: GKE_SECTION,
                mesh: { method: "managed", version: "1.29.0" },
                namespaces: [{ name: "payments" }],
            }),
        );
        const feature = named(res, "gcp:gkehub/feature:Feature", "env-servicemesh").inputs;
        assert.deepEqual(feature, { name: "servicemesh", location: "global", project: "acme-mesh-dev" });
        const membership = named(res, "gcp:gkehub/membership:Membership", "env-membership");
        assert.equal(membership.inputs.membershipId, "mesh-dev");
        assert.equal(membership.inputs.project, "acme-mesh-dev");
        // The cluster's id is unknown until GKE made it: the link is there, its value comes at `pulumi up`.
        assert.notEqual(at(membership.inputs, "endpoint.gkeCluster.resourceLink"), undefined);
        assert.ok(waitsFor(membership).includes("env-gke"));
        const featureMembership = named(
            res,
            "gcp:gkehub/featureMembership:FeatureMembership",
            "env-servicemesh-membership",
        ).inputs;
        assert.equal(featureMembership.location, "global");
        assert.equal(featureMembership.project, "acme-mesh-dev");
        assert.equal(featureMembership.feature, "servicemesh");
        assert.deepEqual(featureMembership.mesh, { management: "MANAGEMENT_AUTOMATIC" });
        // The namespaces wait for the mesh to be switched on for the cluster.
        const namespace = named(res, "nativemesh:index:MeshNamespace", "env-ns-payments");
        assert.ok(waitsFor(namespace).includes("env-servicemesh-membership"), JSON.stringify(waitsFor(namespace)));
    });
});

describe("MeshEnvironment: namespaces, Formance and canaries", () => {
    it("each namespace is a MeshNamespace with its own labels and annotations, waiting for the control plane", async () => {
        const res = await plan(
            existing({ version: "1.29.0" }, [
                { name: "payments", labels: { team: "pay" }, annotations: { owner: "pay@acme" } },
            ]),
        );
        const payments = named(res, "kubernetes:core/v1:Namespace", "env-ns-payments").inputs;
        assert.deepEqual(at(payments, "metadata.labels"), { team: "pay", "istio.io/rev": "1-29-0" });
        assert.deepEqual(at(payments, "metadata.annotations"), { owner: "pay@acme" });
        const component = named(res, "nativemesh:index:MeshNamespace", "env-ns-payments");
        assert.equal(component.parent?.split("::").pop(), "env");
        assert.ok(waitsFor(component).includes("env-istio-istiod-1-29-0"), JSON.stringify(waitsFor(component)));
    });

    it("Formance: the Settings label the namespaces the operator makes with the selected tag", async () => {
        const res = await plan(
            existing(
                {
                    revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                    revisionTags: [{ name: "prod", revision: "1-29-0" }],
                },
                [{ name: "payments", revisionTag: "prod" }],
            ),
        );
        assert.equal(ofType(res, "nativemesh:index:FormanceSettings").length, 0, "no formance section, none");
        const withFormance = await plan(
            validateConfig({
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config" },
                mesh: {
                    method: "helm",
                    revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                    revisionTags: [{ name: "prod", revision: "1-29-0" }],
                },
                namespaces: [{ name: "payments", revisionTag: "prod" }],
                formance: { stacks: ["ledger"], namespaceRevisionTag: "prod" },
            }),
        );
        const settings = named(
            withFormance,
            "kubernetes:formance.com/v1beta1:Settings",
            "env-formance-namespace-labels",
        ).inputs;
        assert.deepEqual(at(settings, "spec"), {
            key: "namespace.labels",
            stacks: ["ledger"],
            value: "istio.io/rev=prod",
        });
        assert.equal(
            named(withFormance, "nativemesh:index:FormanceSettings", "env-formance").parent?.split("::").pop(),
            "env",
        );
    });

    it("Formance: a meshed namespace named as the operator's is that namespace, not a second one", async () => {
        const res = await plan(
            validateConfig({
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config" },
                mesh: { method: "helm", version: "1.29.0" },
                // The operator's namespace is not the first one listed.
                namespaces: [{ name: "payments" }, { name: "formance-system" }],
                formance: { stacks: ["*"] },
            }),
        );
        const namespaces = ofType(res, "kubernetes:core/v1:Namespace").filter(
            (ns) => at(ns.inputs, "metadata.name") === "formance-system",
        );
        assert.deepEqual(
            namespaces.map((ns) => ns.name),
            ["env-ns-formance-system"],
        );
        // The operator's release waits for that namespace, and for no other meshed one.
        const operator = named(res, "kubernetes:helm.sh/v3:Release", "env-formance-operator");
        assert.deepEqual(
            waitsFor(operator).filter((name) => name?.startsWith("env-ns-")),
            ["env-ns-formance-system"],
        );
    });

    it("Formance: a section that sets nothing declares no Formance settings, nor the operator", async () => {
        const res = await plan(
            validateConfig({
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config" },
                mesh: { method: "helm", version: "1.29.0" },
                formance: { stacks: ["ledger"], namespaceLabel: false },
            }),
        );
        assert.equal(ofType(res, "nativemesh:index:FormanceSettings").length, 0);
        assert.equal(ofType(res, "kubernetes:formance.com/v1beta1:Settings").length, 0);
    });

    it("Formance: secret operator values and a secret setting stay secret, and nothing else is made secret", async () => {
        const formanceOf = async (secretPaths: Array<Array<string | number>>) => {
            const res = await plan(
                validateConfig(
                    {
                        cloud: "existing",
                        existing: { kubeconfig: "~/.kube/config" },
                        mesh: { method: "helm", version: "1.29.0" },
                        formance: {
                            stacks: ["ledger"],
                            serviceAnnotations: { gateway: { "example.com/team": "payments" } },
                            operator: { values: { replicaCount: 2 } },
                        },
                    },
                    { secretPaths },
                ),
            );
            const operator = named(res, "kubernetes:helm.sh/v3:Release", "env-formance-operator").inputs;
            // A Setting whose value holds a secret is recorded with its whole spec secret (the engine's wrapper).
            const spec = (name: string) => named(res, "kubernetes:formance.com/v1beta1:Settings", name).inputs.spec;
            return {
                operatorValues: operator.values,
                gateway: spec("env-formance-services-gateway-annotations"),
                labels: spec("env-formance-namespace-labels"),
            };
        };
        const plain = await formanceOf([]);
        assert.ok(
            !isSecretValue(plain.operatorValues) && !isSecretValue(plain.gateway) && !isSecretValue(plain.labels),
        );
        assert.ok(isSecretValue((await formanceOf([["formance", "operator", "values"]])).operatorValues));
        const secretAnnotations = await formanceOf([["formance", "serviceAnnotations", "gateway", "example.com/team"]]);
        assert.ok(isSecretValue(secretAnnotations.gateway), JSON.stringify(secretAnnotations.gateway));
        assert.ok(!isSecretValue(secretAnnotations.labels), "the namespace labels come from no secret");
    });

    it("canaries: one per revision, the first under the one-revision names, each selecting the revision's first tag", async () => {
        const res = await plan(
            existing(
                {
                    revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                    revisionTags: [{ name: "prod", revision: "1-29-0" }],
                    cni: false,
                },
                [{ name: "payments", revision: "1-29-0" }],
            ),
        );
        const jobs = ofType(res, "kubernetes:batch/v1:Job").map((job) => job.name);
        assert.deepEqual(jobs.sort(), ["env-canary", "env-canary-1-29-0"]);
        const first = named(res, "kubernetes:core/v1:Namespace", "env-canary-ns").inputs;
        const second = named(res, "kubernetes:core/v1:Namespace", "env-canary-ns-1-29-0").inputs;
        assert.deepEqual(at(first, "metadata.labels"), {
            "app.kubernetes.io/managed-by": "nativemesh",
            "istio.io/rev": "1-28-1",
        });
        assert.equal(at(first, "metadata.name"), "nativemesh-canary");
        assert.deepEqual(at(second, "metadata.labels"), {
            "app.kubernetes.io/managed-by": "nativemesh",
            "istio.io/rev": "prod",
        });
        assert.equal(at(second, "metadata.name"), "nativemesh-canary-1-29-0");
        // The Job waits for its own namespace and the control plane.
        const job = named(res, "kubernetes:batch/v1:Job", "env-canary-1-29-0");
        assert.ok(waitsFor(job).includes("env-canary-ns-1-29-0"));
        assert.ok(waitsFor(job).includes("env-istio-istiod-1-29-0"));
        assert.equal(at(job.inputs, "metadata.namespace"), "nativemesh-canary-1-29-0");
    });

    it("canaries: Pod Security restricted only where the CNI agent does the redirection (Helm or asmcli)", async () => {
        const labelsOf = async (mesh: Record<string, unknown>) =>
            at(
                named(await plan(existing(mesh)), "kubernetes:core/v1:Namespace", "env-canary-ns").inputs,
                "metadata.labels",
            ) as Record<string, string>;
        assert.equal(
            (await labelsOf({ version: "1.29.0", cni: true }))["pod-security.kubernetes.io/enforce"],
            "restricted",
        );
        assert.equal(
            (await labelsOf({ version: "1.29.0", cni: false }))["pod-security.kubernetes.io/enforce"],
            undefined,
        );
        const asmcli = { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" };
        assert.equal(
            (await labelsOf({ method: "asmcli", version: "1.27.2-asm.1", cni: true, asmcli }))[
                "pod-security.kubernetes.io/enforce"
            ],
            "restricted",
        );
    });

    it('canaries: Alibaba ASM\'s injector is its own, so no Pod Security label; without revisions one canary, under ""', async () => {
        let env: MeshEnvironment | undefined;
        const spec = validateConfig({
            cloud: "ack",
            ack: ACK_SECTION,
            mesh: { method: "alibaba-asm", version: "1.24.6" },
        });
        const res = await record(() => {
            env = new MeshEnvironment("env", { spec });
        });
        const labels = at(
            named(res, "kubernetes:core/v1:Namespace", "env-canary-ns").inputs,
            "metadata.labels",
        ) as Record<string, string>;
        assert.equal(spec.mesh.cni, true, "CNI on, as by default");
        assert.equal(labels["pod-security.kubernetes.io/enforce"], undefined);
        assert.deepEqual(Object.keys(env!.canaries), [""]);
        assert.equal(env!.canary, env!.canaries[""]);
    });

    it("canaries: none when nativemesh:canary.enabled is false", async () => {
        const res = await plan(
            validateConfig({
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config" },
                mesh: { method: "helm", version: "1.29.0" },
                canary: { enabled: false },
            }),
        );
        assert.equal(ofType(res, "kubernetes:batch/v1:Job").length, 0);
        assert.equal(ofType(res, "nativemesh:index:SidecarCanary").length, 0);
        assert.equal(
            ofType(res, "kubernetes:core/v1:Namespace").filter((ns) => ns.name.startsWith("env-canary")).length,
            0,
        );
    });

    it("exposes the revision, the namespaces, the canaries by revision and the selections for status --desired", async () => {
        let env: MeshEnvironment | undefined;
        await record(() => {
            env = new MeshEnvironment("env", {
                spec: existing(
                    {
                        revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                        revisionTags: [{ name: "prod", revision: "1-29-0" }],
                        defaultRevision: "1-29-0",
                    },
                    [
                        { name: "payments", revisionTag: "prod" },
                        { name: "ledger", revision: "1-28-1" },
                    ],
                ),
            });
        });
        assert.ok(env !== undefined);
        assert.equal(env.revision, "1-28-1");
        assert.deepEqual(
            env.namespaces.map((ns) => ns.name),
            ["payments", "ledger"],
        );
        assert.deepEqual(Object.keys(env.canaries), ["1-28-1", "1-29-0"]);
        assert.equal(env.canary, env.canaries["1-28-1"]);
        assert.ok(env.istio !== undefined);
        assert.equal(env.asm, undefined);
        assert.equal(env.gke, undefined);
        assert.equal(env.formance, undefined);
        assert.deepEqual(env.namespaceSelections, {
            revisions: ["1-28-1", "1-29-0"],
            tags: { prod: "1-29-0", default: "1-29-0" },
            namespaces: {
                payments: "prod",
                ledger: "1-28-1",
                "nativemesh-canary": "1-28-1",
                "nativemesh-canary-1-29-0": "prod",
            },
            canaryNamespace: "nativemesh-canary",
        });
    });
});

describe("MeshEnvironment: ACK and Alibaba Service Mesh", () => {
    const ackAsm = (alibaba: Record<string, unknown> = {}, ack: Record<string, unknown> = {}) =>
        validateConfig({
            cloud: "ack",
            ack: { ...structuredClone(ACK_SECTION), ...ack },
            mesh: {
                method: "alibaba-asm",
                version: "1.25.6.84",
                cni: true,
                alibaba,
            },
            namespaces: [{ name: "payments" }],
        });

    it("the ACK section reaches AckCluster: network, pools, API server, RRSA, protection", async () => {
        const res = await plan(ackAsm({}, { serviceCidr: "192.168.0.0/16", publicApiServer: true, rrsa: false }));
        const cluster = oneOfType(res, "alicloud:cs/managedKubernetes:ManagedKubernetes").inputs;
        assert.equal(cluster.name, "mesh-prod");
        assert.equal(cluster.version, "1.30.1-aliyun.1");
        assert.deepEqual(cluster.vswitchIds, ["vsw-bp1node1"]);
        assert.deepEqual(cluster.podVswitchIds, ["vsw-bp1pod1"]);
        assert.equal(cluster.serviceCidr, "192.168.0.0/16");
        assert.equal(cluster.slbInternetEnabled, true);
        assert.equal(cluster.enableRrsa, false);
        assert.equal(cluster.deletionProtection, true);
        const pool = oneOfType(res, "alicloud:cs/nodePool:NodePool").inputs;
        assert.deepEqual(pool.instanceTypes, ["ecs.g7.xlarge"]);
        assert.equal(pool.desiredSize, "2");
        assert.equal(oneOfType(res, "pulumi:providers:alicloud").inputs.region, "cn-hangzhou");
    });

    it("Alibaba ASM joins the cluster: its VPC, first vSwitch, the cluster's name, CNI and the native switch", async () => {
        const res = await plan(ackAsm());
        const mesh = oneOfType(res, "alicloud:servicemesh/serviceMesh:ServiceMesh").inputs;
        assert.equal(mesh.serviceMeshName, "mesh-prod");
        assert.equal(mesh.version, "1.25.6.84");
        assert.equal(mesh.clusterSpec, "enterprise");
        assert.deepEqual(mesh.network, { vpcId: "vpc-bp1abc2def3", vswitcheList: "vsw-bp1node1" });
        assert.deepEqual(mesh.meshConfig, { sidecarInjector: { initCniConfiguration: { enabled: true } } });
        const meshConfig = oneOfType(res, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig");
        assert.deepEqual(meshConfig.inputs.spec, { enableNativeSidecar: true });
        const component = named(res, "nativemesh:index:AlibabaMesh", "env-asm");
        assert.ok(waitsFor(component).includes("env-ack"));
        // Namespaces select ASM's stable control plane with istio-injection=enabled: there is no revision.
        assert.deepEqual(at(named(res, "kubernetes:core/v1:Namespace", "env-ns-payments").inputs, "metadata.labels"), {
            "istio-injection": "enabled",
        });
    });

    it("what mesh.alibaba says wins: name, vSwitch, EIP, aggregation, the control plane's kubeconfig", async () => {
        const res = await plan(
            ackAsm({
                name: "mesh-one",
                vswitchId: "vsw-bp1asm",
                apiServerPublicEip: true,
                crAggregationEnabled: true,
                controlPlaneKubeconfig: "apiVersion: v1\nkind: Config\n",
            }),
        );
        const mesh = oneOfType(res, "alicloud:servicemesh/serviceMesh:ServiceMesh").inputs;
        assert.equal(mesh.serviceMeshName, "mesh-one");
        assert.deepEqual(mesh.network, { vpcId: "vpc-bp1abc2def3", vswitcheList: "vsw-bp1asm" });
        assert.deepEqual(mesh.loadBalancer, { apiServerPublicEip: true });
        assert.deepEqual(mesh.extraConfiguration, { crAggregationEnabled: true });
        const asmProvider = named(res, "pulumi:providers:kubernetes", "env-asm-asm").inputs;
        assert.equal(at(asmProvider, "kubeconfig.plaintext"), "apiVersion: v1\nkind: Config\n");
    });

    it("the canary waits for the ASM instance, and carries what it waited for", async () => {
        const res = await plan(ackAsm());
        const job = oneOfType(res, "kubernetes:batch/v1:Job");
        // The ACK kubeconfig is unknown in a preview (the cluster does not exist yet): the wait is an unknown value.
        assert.notEqual(at(job.inputs, "metadata.annotations"), undefined);
        assert.ok(waitsFor(job).includes("env-asm"), JSON.stringify(waitsFor(job)));
    });
});
