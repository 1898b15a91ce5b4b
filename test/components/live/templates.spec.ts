// Pods judged by the template Istio meant for them (components/live/templates.ts, components/live/classify.ts), against Istio's
// own golden files at the version the testbed builds: the injector's `pkg/kube/inject/testdata/inject/*.injected`
// and the gateway controller's rendered waypoint. They are read from the Go module cache, never copied here.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import {
    classifyPod,
    injectedRevision,
    type PodLike,
    RESTARTABLE,
    type Selection,
    staleWorkloads,
} from "../../../components/live/classify";
import { describeRole, injectionTemplates, proxyRole } from "../../../components/live/templates";
import { istioSource, istioSourceDir } from "../../support/istioSource";

type Obj = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };
type Template = { metadata?: PodLike["metadata"]; spec?: PodLike["spec"] };

/** The pods a manifest describes: each workload's pod template (a CronJob's through its Job), or the Pod. */
function podsOf(file: string): PodLike[] {
    const pods: PodLike[] = [];
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
        const obj = doc.toJS() as Obj | null;
        if (obj === null || typeof obj !== "object") continue;
        const spec = obj.spec ?? {};
        const template =
            obj.kind === "Pod"
                ? (obj as Template)
                : obj.kind === "CronJob"
                  ? (((spec.jobTemplate as Obj | undefined)?.spec?.template as Template | undefined) ?? undefined)
                  : (spec.template as Template | undefined);
        if (template === undefined) continue;
        const name = obj.metadata?.name ?? "pod";
        // A Deployment's pod, as its ReplicaSet names it (the Deployment controller's <name>-<pod-template-hash>).
        const owned =
            obj.kind === "Deployment"
                ? {
                      ownerReferences: [{ kind: "ReplicaSet", name: `${name}-5d8f9c`, controller: true }],
                      labels: { ...template.metadata?.labels, "pod-template-hash": "5d8f9c" },
                  }
                : {};
        pods.push({
            metadata: { ...template.metadata, ...owned, name, namespace: "apps" },
            spec: template.spec,
            status: { phase: "Running" },
        });
    }
    return pods;
}

const selecting = (revision: string): Selection => ({ label: "istio.io/rev", value: revision, revision });
const statusRevision = (pod: PodLike) =>
    (JSON.parse(pod.metadata!.annotations!["sidecar.istio.io/status"]) as { revision: string }).revision;

describe("injection templates: which one a pod was meant for", () => {
    it("reads inject.istio.io/templates as the injector does, else its default sidecar template", () => {
        const pod = (templates?: string): PodLike => ({
            metadata: {
                annotations:
                    templates === undefined
                        ? {}
                        : ({ "inject.istio.io/templates": templates } as Record<string, string>),
            },
        });
        assert.deepEqual(injectionTemplates(pod()), ["sidecar"]);
        assert.deepEqual(injectionTemplates(pod("")), ["sidecar"]);
        assert.deepEqual(injectionTemplates(pod("gateway")), ["gateway"]);
        assert.deepEqual(injectionTemplates(pod(" sidecar , spire ")), ["sidecar", "spire"]);
        assert.deepEqual(proxyRole(pod("sidecar,spire")), { kind: "sidecar" });
        assert.deepEqual(proxyRole(pod("grpc-agent")), { kind: "template", templates: ["grpc-agent"] });
    });

    it("takes a blank annotation for the default sidecar template, and drops empty entries of a list", () => {
        const pod = (templates: string): PodLike => ({
            metadata: { annotations: { "inject.istio.io/templates": templates } },
        });
        assert.deepEqual(injectionTemplates(pod("  ")), ["sidecar"]);
        assert.deepEqual(injectionTemplates(pod("gateway,,spire,")), ["gateway", "spire"]);
        assert.deepEqual(injectionTemplates({}), ["sidecar"]);
        assert.deepEqual(injectionTemplates({ metadata: { labels: { app: "web" } } }), ["sidecar"]);
        assert.deepEqual(proxyRole({}), { kind: "sidecar" });
        assert.deepEqual(proxyRole(pod("gateway, spire")), { kind: "template", templates: ["gateway", "spire"] });
    });

    it("names a role as a report shows it: sidecar, the templates, or what istiod's controller rendered", () => {
        assert.equal(describeRole({ kind: "sidecar" }), "sidecar");
        assert.equal(describeRole({ kind: "template", templates: ["gateway", "spire"] }), "gateway,spire template");
        assert.equal(describeRole({ kind: "managed", what: "waypoint", gateway: "edge" }), "waypoint");
        assert.equal(describeRole({ kind: "managed", what: "Gateway API gateway" }), "Gateway API gateway");
    });

    it("tells a waypoint from a Gateway API gateway by the controller istiod names in gateway.istio.io/managed", () => {
        const managed = (controller: string) => ({
            metadata: {
                labels: {
                    "gateway.istio.io/managed": controller,
                    "gateway.networking.k8s.io/gateway-name": "edge",
                },
            },
        });
        assert.deepEqual(proxyRole(managed("istio.io-mesh-controller")), {
            kind: "managed",
            what: "waypoint",
            gateway: "edge",
        });
        assert.deepEqual(proxyRole(managed("istio.io-gateway-controller")), {
            kind: "managed",
            what: "Gateway API gateway",
            gateway: "edge",
        });
    });

    it("a managed pod without a gateway name names none; an empty controller label is no controller", () => {
        assert.deepEqual(
            proxyRole({ metadata: { labels: { "gateway.istio.io/managed": "istio.io-mesh-controller" } } }),
            {
                kind: "managed",
                what: "waypoint",
            },
        );
        assert.deepEqual(
            proxyRole({
                metadata: {
                    labels: {
                        "gateway.istio.io/managed": "istio.io-mesh-controller",
                        "gateway.networking.k8s.io/gateway-name": "",
                    },
                },
            }),
            { kind: "managed", what: "waypoint" },
        );
        assert.deepEqual(
            proxyRole({
                metadata: {
                    labels: { "gateway.istio.io/managed": "", "gateway.networking.k8s.io/gateway-name": "edge" },
                    annotations: { "inject.istio.io/templates": "gateway" },
                },
            }),
            { kind: "template", templates: ["gateway"] },
        );
    });
});

const injected = istioSource("pkg/kube/inject/testdata/inject");
(injected.dir ? describe : describe.skip)(
    `the injector's golden files${injected.skipped ? ` (${injected.skipped})` : ""}`,
    () => {
        const goldens = () =>
            fs
                .readdirSync(injected.dir!)
                .filter((f) => f.endsWith(".yaml.injected"))
                .flatMap((f) => podsOf(path.join(injected.dir!, f)).map((pod) => ({ file: f, pod })))
                .filter(({ pod }) => pod.metadata?.annotations?.["sidecar.istio.io/status"] !== undefined);

        it("reads the revision the injector wrote in sidecar.istio.io/status, whatever the template", () => {
            const all = goldens();
            assert.ok(all.length > 50, `only ${all.length} injected pods found`);
            const templates = new Set(all.flatMap(({ pod }) => injectionTemplates(pod)));
            assert.ok(templates.has("gateway") && templates.has("sidecar"), [...templates].join(","));
            for (const { file, pod } of all) assert.equal(injectedRevision(pod), statusRevision(pod), file);
        });

        it("a gateway-template pod with a regular istio-proxy of the selected revision is ok; of another, stale", () => {
            const gateways = goldens().filter(({ pod }) => injectionTemplates(pod).includes("gateway"));
            assert.ok(gateways.some(({ file }) => file === "gateway.yaml.injected"));
            for (const { file, pod } of gateways) {
                const revision = statusRevision(pod);
                const ok = classifyPod(pod, selecting(revision));
                assert.equal(ok.mode, "regular", file);
                const role = `${injectionTemplates(pod).join(",")} template`;
                assert.deepEqual([ok.state, ok.role, ok.reason], ["ok", role, undefined], file);
                const moved = classifyPod(pod, selecting("1-99-0"));
                assert.equal(moved.state, "stale", file);
                assert.equal(
                    moved.reason,
                    `${role} proxy from revision ${revision}; the namespace selects 1-99-0`,
                    file,
                );
                // Stale, it is restarted (a Deployment): once re-injected by 1-99-0 it is ok, so never again.
                assert.ok(
                    staleWorkloads([moved]).every((w) => RESTARTABLE.has(w.kind)),
                    file,
                );
            }
        });

        it("a sidecar-template pod still needs the native sidecar: regular is stale, native ok", () => {
            const one = (file: string) => podsOf(path.join(injected.dir!, file))[0];
            const native = one("native-sidecar.yaml.injected");
            assert.equal(classifyPod(native, selecting(statusRevision(native))).state, "ok");
            const regular = one("hello-old-version.yaml.injected");
            const report = classifyPod(regular, selecting(statusRevision(regular)));
            assert.deepEqual([report.mode, report.role, report.state], ["regular", "sidecar", "stale"]);
        });
    },
);

/** istiod's gateway controller's rendered waypoint: the first of these holding a Deployment it manages (the file
 *  moved between releases; release-1.31 has it under gatewaycommon/testdata/deployment). */
const WAYPOINT_GOLDENS = [
    "pilot/pkg/config/kube/gatewaycommon/testdata/deployment/waypoint.yaml",
    "pilot/pkg/config/kube/gatewaycommon/testdata/waypoint.yaml",
    "pilot/pkg/config/kube/gateway/testdata/deployment/waypoint.yaml",
];
const waypointGolden = WAYPOINT_GOLDENS.map((file) => istioSource(file).dir).find(
    (file) =>
        file !== undefined &&
        podsOf(file).some((pod) => pod.metadata?.labels?.["gateway.istio.io/managed"] !== undefined),
);
(waypointGolden ? describe : describe.skip)(
    `the gateway controller's waypoint golden file${waypointGolden ? "" : ` (skipped: none of ${WAYPOINT_GOLDENS.join(", ")} under ${istioSourceDir()} holds a managed waypoint)`}`,
    () => {
        it("is judged by the revision that rendered it, never called opted out, and owned by its Gateway", () => {
            const pod = podsOf(waypointGolden!).find((p) => p.metadata?.labels?.["gateway.istio.io/managed"])!;
            assert.equal(pod.metadata?.labels?.["sidecar.istio.io/inject"], "false");
            const revision = pod.metadata!.annotations!["istio.io/rev"];
            const ok = classifyPod(pod, selecting(revision));
            assert.deepEqual([ok.state, ok.role, ok.revision], ["ok", "waypoint", revision]);
            const left = classifyPod(pod, selecting("1-99-0"));
            assert.equal(left.state, "stale");
            assert.equal(left.reason, `waypoint proxy from revision ${revision}; the namespace selects 1-99-0`);
            const [workload] = staleWorkloads([left]);
            assert.equal(workload.kind, "Gateway");
            assert.ok(!RESTARTABLE.has(workload.kind), "a restart would keep its revision: not restarted");
        });
    },
);
