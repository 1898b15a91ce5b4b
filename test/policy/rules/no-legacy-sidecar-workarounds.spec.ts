// no-legacy-sidecar-workarounds, for mutation testing: the whole messages (where, what, why, the fix), where native
// mode counts as on (mesh-wide, Alibaba ASM by version, the per-pod annotation by istiod version), and how deep
// the search for holdApplicationUntilProxyStarts goes. Inputs are built inside each `it` (docs/MUTATION.md).

import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { SECRET, UNKNOWN } from "../../support/policy/cases";
import { stackResource } from "../../support/stackResource";

const POLICY = "no-legacy-sidecar-workarounds";
const NATIVE = "sidecar.istio.io/nativeSidecar";
const HOLD = "holdApplicationUntilProxyStarts";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HELM = "kubernetes:helm.sh/v3:Release";

const resource = stackResource;
const istiod = (version: unknown, values: Record<string, unknown> = {}, name = "istiod"): StackResource =>
    resource(HELM, name, {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        version,
        values,
    });
const pilotEnv = (value: string) => ({ pilot: { env: { ENABLE_NATIVE_SIDECARS: value } } });
/** istiod 1.28 told to inject native sidecars: native mode on mesh-wide. */
const nativeIstiod = (values: Record<string, unknown> = {}) => istiod("1.28.1", { ...pilotEnv("true"), ...values });
const deployment = (annotations: Record<string, unknown>, spec: Record<string, unknown>, name = "web") =>
    resource(DEPLOYMENT, name, { spec: { template: { metadata: { annotations }, spec } } });
/** A Deployment whose container stops istio-proxy by hand. */
const quitter = (annotations: Record<string, unknown> = {}) =>
    deployment(annotations, { containers: [{ name: "migrate", command: ["curl", "localhost:15020/quitquitquit"] }] });
const serviceMesh = (version: string) =>
    resource("alicloud:servicemesh/serviceMesh:ServiceMesh", "asm", { serviceMeshName: "m", version });
const meshConfig = (spec: Record<string, unknown>) =>
    resource("kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig", "default", { spec });

/** The policy's messages for the resource named `name` (every violation is advisory). */
function messages(resources: StackResource[], name: string): string[] {
    const found = evaluatePolicies(resources).filter(
        (violation) => violation.policy === POLICY || violation.message.startsWith("could not evaluate"),
    );
    for (const violation of found) assert.equal(violation.enforcementLevel, "advisory", violation.message);
    return found.filter((violation) => violation.urn.endsWith(`::${name}`)).map((violation) => violation.message);
}
const QUIT = (who: string) =>
    `${who} calls /quitquitquit. Stopping istio-proxy by hand is only needed for regular sidecars; a native sidecar stops after the app containers exit (kubernetes.io "Sidecar Containers"). Fix: remove the /quitquitquit call.`;
const ISTIOD_HOLD = `istiod (${HELM}): istiod config sets ${HOLD}. Istio ignores it in native sidecar mode, which this istiod is told to use. Fix: remove ${HOLD} from meshConfig/proxy settings.`;
const WEB = `web (${DEPLOYMENT}): `;

describe("mutation: no-legacy-sidecar-workarounds", () => {
    it("every workaround in one pod template: each whole message, in order", () => {
        const web = deployment(
            {
                "proxy.istio.io/config": `${HOLD}: true`,
                "traffic.sidecar.istio.io/excludeOutboundPorts": "5432",
                "traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/8",
            },
            {
                containers: [
                    { name: "app", command: [42], args: "not a list" },
                    { command: ["sh", "-c", "curl -X POST localhost:15020/quitquitquit"] },
                ],
                initContainers: [{ name: "wait", securityContext: { runAsUser: 1337 } }],
            },
        );
        const where = "the pod template (spec.template.metadata.annotations)";
        const spec = "the pod template (spec.template.spec)";
        assert.deepEqual(messages([web, nativeIstiod()], "web"), [
            `${WEB}${where} sets ${HOLD} in proxy.istio.io/config. Native sidecars start before the app anyway, and Istio ignores this setting in native mode (istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml). Fix: remove it.`,
            `${WEB}${where} sets traffic.sidecar.istio.io/excludeOutboundPorts. Excluding outbound traffic was a workaround for init containers starting before a regular sidecar; native sidecars start first. Fix: remove traffic.sidecar.istio.io/excludeOutboundPorts unless the traffic must bypass the mesh for another reason.`,
            `${WEB}${where} sets traffic.sidecar.istio.io/excludeOutboundIPRanges. Excluding outbound traffic was a workaround for init containers starting before a regular sidecar; native sidecars start first. Fix: remove traffic.sidecar.istio.io/excludeOutboundIPRanges unless the traffic must bypass the mesh for another reason.`,
            WEB + QUIT(`${spec} container #1`),
            `${WEB}${spec} init container wait runs as UID 1337. UID 1337 bypasses the proxy's traffic capture; that trick let init containers reach the network before a regular sidecar started, and native sidecars start first. Fix: run the init container as another UID.`,
        ]);
    });

    it("a Formance annotations Setting: named by its key", () => {
        const setting = resource("kubernetes:formance.com/v1beta1:Settings", "setting", {
            apiVersion: "formance.com/v1beta1",
            kind: "Settings",
            metadata: { name: "setting" },
            spec: {
                key: "deployments.ledger.spec.template.annotations",
                value: "traffic.sidecar.istio.io/excludeOutboundPorts=5432",
                stacks: ["*"],
            },
        });
        assert.deepEqual(messages([setting, nativeIstiod()], "setting"), [
            `setting (kubernetes:formance.com/v1beta1:Settings): the Formance deployments.ledger.spec.template.annotations Setting sets traffic.sidecar.istio.io/excludeOutboundPorts. Excluding outbound traffic was a workaround for init containers starting before a regular sidecar; native sidecars start first. Fix: remove traffic.sidecar.istio.io/excludeOutboundPorts unless the traffic must bypass the mesh for another reason.`,
        ]);
    });

    it('holdApplicationUntilProxyStarts in istiod\'s values, as true or "true": the whole message', () => {
        for (const value of [true, "true"]) {
            const plane = nativeIstiod({ meshConfig: { defaultConfig: { [HOLD]: value } } });
            assert.deepEqual(messages([plane], "istiod"), [ISTIOD_HOLD], String(value));
        }
        const off = nativeIstiod({ meshConfig: { defaultConfig: { [HOLD]: false } } });
        assert.deepEqual(messages([off], "istiod"), []);
    });

    it("only that key counts: other settings set to true are not it", () => {
        const plane = nativeIstiod({ enabled: true, global: { enabled: "true" } });
        assert.deepEqual(messages([plane], "istiod"), []);
    });

    it("found down to 8 levels of nesting (through lists too), not below", () => {
        // istiod's values are level 0; `nest(depth, leaf)` puts the object holding the key at level `depth`.
        const nest = (depth: number, leaf: unknown, list = false): Record<string, unknown> => {
            let value: unknown = leaf;
            for (let level = depth; level > 1; level--) value = list ? [{}, value] : { [`l${level}`]: value };
            return { l1: value };
        };
        const hold = { [HOLD]: true };
        assert.deepEqual(messages([nativeIstiod(nest(8, hold))], "istiod"), [ISTIOD_HOLD]);
        assert.deepEqual(messages([nativeIstiod(nest(9, hold))], "istiod"), []);
        assert.deepEqual(messages([nativeIstiod(nest(8, hold, true))], "istiod"), [ISTIOD_HOLD]);
        assert.deepEqual(messages([nativeIstiod(nest(9, hold, true))], "istiod"), []);
    });

    it("a secret in istiod's values is not read for the key", () => {
        const secret = {
            "4dabf18193072939515e22adb298388d": SECRET["4dabf18193072939515e22adb298388d"],
            value: { [HOLD]: true },
        };
        assert.deepEqual(messages([nativeIstiod({ meshConfig: { defaultConfig: secret } })], "istiod"), []);
        assert.deepEqual(messages([nativeIstiod({ meshConfig: secret })], "istiod"), []);
    });

    it("Alibaba ASM: native from 1.22 on; a ServiceMesh below it keeps native mode off mesh-wide", () => {
        assert.deepEqual(messages([quitter(), serviceMesh("v1.22.2.35-ge64ec8af-aliyun")], "web"), [
            WEB + QUIT("the pod template (spec.template.spec) container migrate"),
        ]);
        assert.deepEqual(messages([quitter(), serviceMesh("v1.21.6.30-g1d0a3a0b-aliyun")], "web"), []);
        assert.deepEqual(messages([quitter(), serviceMesh("v1.21.6.30-g1d0a3a0b-aliyun"), nativeIstiod()], "web"), []);
    });

    it("an ASMMeshConfig with native sidecars off keeps native mode off mesh-wide", () => {
        assert.deepEqual(messages([quitter(), nativeIstiod(), meshConfig({ enableNativeSidecar: false })], "web"), []);
        assert.deepEqual(messages([quitter(), nativeIstiod(), meshConfig({ enableNativeSidecar: true })], "web"), [
            WEB + QUIT("the pod template (spec.template.spec) container migrate"),
        ]);
    });

    it('nativeSidecar "true" counts where every istiod reads it (1.24.0 on), mesh-wide switch off', () => {
        const annotated = () => quitter({ [NATIVE]: "true" });
        const off = (version: unknown, name = "istiod") => istiod(version, pilotEnv("false"), name);
        assert.deepEqual(messages([annotated(), off("1.24.0")], "web"), [
            WEB + QUIT("the pod template (spec.template.spec) container migrate"),
        ]);
        assert.deepEqual(messages([annotated(), off("1.23.6")], "web"), []);
        assert.deepEqual(messages([annotated(), off("1.24.0"), off("1.23.6", "old")], "web"), []);
        assert.deepEqual(messages([annotated(), off("1.24.0"), off(UNKNOWN, "unread")], "web"), []);
        assert.deepEqual(messages([annotated()], "web"), []);
    });

    it('another nativeSidecar value is not "true": the mesh-wide mode decides', () => {
        const pod = quitter({ [NATIVE]: "yes" });
        assert.deepEqual(messages([pod, istiod("1.24.0", pilotEnv("false"))], "web"), []);
    });
});
