// Fixture tables for the command readers (policy/commands/): a Command running each tool with the native switch
// on (silent), off (mandatory) and unreadable (cannot tell: advisory, mandatory under strict), and the managed
// mesh turned on (mandatory) or unreadable. Each row runs the whole pack over one Command, as audit does.

import { strict as assert } from "node:assert";
import { evaluatePolicies } from "../../../policy/evaluate";

type Outcome = "silent" | "off" | "cannot tell";

function verdict(
    script: string,
    policy: string,
    extra: Record<string, unknown> = {},
): { outcome: Outcome; messages: string[] } {
    const resource = {
        urn: "urn:pulumi:s::p::command:local:Command::c",
        type: "command:local:Command",
        name: "c",
        props: { create: script, ...extra },
    };
    const found = evaluatePolicies([resource]).filter((v) => v.policy === policy);
    const messages = found.map((v) => `[${v.enforcementLevel}] ${v.message}`);
    if (found.some((v) => v.enforcementLevel === "mandatory")) return { outcome: "off", messages };
    if (found.some((v) => /cannot tell/.test(v.message))) return { outcome: "cannot tell", messages };
    return { outcome: found.length === 0 ? "silent" : "cannot tell", messages };
}

const NATIVE = "native-sidecars-enabled";
const MANAGED = "no-managed-control-plane";
const ON = "ENABLE_NATIVE_SIDECARS=true";
const OFF = "ENABLE_NATIVE_SIDECARS=false";
const IOP_ON =
    'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    pilot:\n      env:\n        ENABLE_NATIVE_SIDECARS: "true"\n';
const IOP_OFF = IOP_ON.replace('"true"', '"false"');
const ISTIOD_PATCH = (value: string) =>
    JSON.stringify({
        spec: {
            template: {
                spec: { containers: [{ name: "discovery", env: [{ name: "ENABLE_NATIVE_SIDECARS", value }] }] },
            },
        },
    });

// [what, script, environment, policy, outcome]
const TABLE: Array<[string, string, Record<string, unknown> | undefined, string, Outcome]> = [
    // istioctl install|apply|upgrade|manifest apply: --set/-s, -f/--filename (istio/istio operator/cmd/mesh/install.go).
    ["istioctl install --set on", `istioctl install -y --set values.pilot.env.${ON}`, undefined, NATIVE, "silent"],
    ["istioctl install --set off", `istioctl install --set values.pilot.env.${OFF}`, undefined, NATIVE, "off"],
    ["istioctl -s=off (shorthand, inline)", `istioctl apply -s=values.pilot.env.${OFF} -y`, undefined, NATIVE, "off"],
    ["istioctl upgrade --set off", `istioctl upgrade --set values.pilot.env.${OFF}`, undefined, NATIVE, "off"],
    [
        "istioctl manifest apply --set off",
        `istioctl manifest apply --set values.pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "istioctl --set from an unset variable",
        `istioctl install --set values.pilot.env.ENABLE_NATIVE_SIDECARS=$NATIVE`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "istioctl --set from a variable set earlier",
        `NATIVE=false\nistioctl install --set "values.pilot.env.ENABLE_NATIVE_SIDECARS=$NATIVE"`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "istioctl k8s env list, [name:] selector",
        `istioctl install --set 'components.pilot.k8s.env[0].name=ENABLE_NATIVE_SIDECARS' --set components.pilot.k8s.env[0].value=false`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "istioctl -f overlay from the environment (on)",
        `printf '%s' "$IOP" > iop.yaml && istioctl install -f iop.yaml -y`,
        { IOP: IOP_ON },
        NATIVE,
        "silent",
    ],
    [
        "istioctl -f overlay from a here-document (off)",
        `cat <<EOF > iop.yaml\n${IOP_OFF}EOF\nistioctl install -f iop.yaml`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "istioctl -f a file the script does not write",
        `istioctl install -f /etc/istio/iop.yaml`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "istioctl --set overrides -f",
        `echo "$IOP" > o.yaml; istioctl install -f o.yaml --set values.pilot.env.${ON}`,
        { IOP: IOP_OFF },
        NATIVE,
        "silent",
    ],
    ["istioctl -f - from stdin", `echo "$IOP" | istioctl install -f - -y`, { IOP: IOP_OFF }, NATIVE, "off"],
    [
        "istioctl --dry-run changes nothing",
        `istioctl install --dry-run --set values.pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "silent",
    ],
    [
        "istioctl compatibilityVersion 1.26 over an unset env",
        `istio-1.28.1/bin/istioctl install --set values.compatibilityVersion=1.26`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "istioctl manifest generate | kubectl apply -f -",
        `istioctl manifest generate --set values.pilot.env.${OFF} | kubectl apply -f -`,
        undefined,
        NATIVE,
        "off",
    ],
    ["istioctl with unquoted unknown words", `istioctl install $ISTIO_FLAGS`, undefined, NATIVE, "cannot tell"],
    ["istioctl inside sh -c", `sh -c 'istioctl install --set values.pilot.env.${OFF}'`, undefined, NATIVE, "off"],
    ["istioctl analyze changes nothing", `istioctl analyze -A`, undefined, NATIVE, "silent"],
    // helm install|upgrade (helm/helm v3 pkg/cli/values/options.go, pkg/strvals).
    [
        "helm upgrade --set on",
        `helm upgrade --install istiod istio/istiod --set pilot.env.${ON}`,
        undefined,
        NATIVE,
        "silent",
    ],
    ["helm upgrade --set off", `helm upgrade istiod istio/istiod --set pilot.env.${OFF}`, undefined, NATIVE, "off"],
    [
        "helm --set-string off",
        `helm install istiod istio/istiod -n istio-system --set-string pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "helm --set-json off",
        `helm install istiod istio/istiod --set-json 'pilot.env={"ENABLE_NATIVE_SIDECARS":"false"}'`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "helm --set-literal off",
        `helm install istiod istio/istiod --set-literal pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "helm two pairs in one --set",
        `helm install istiod istio/istiod --set revision=1-28-1,pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "helm --set beats -f",
        `echo "$V" > v.yaml; helm install istiod istio/istiod -f v.yaml --set pilot.env.${ON}`,
        { V: "pilot:\n  env:\n    ENABLE_NATIVE_SIDECARS: 'false'\n" },
        NATIVE,
        "silent",
    ],
    [
        "helm -f from the environment (off)",
        `echo "$V" > v.yaml; helm install istiod istio/istiod --values=v.yaml`,
        { V: "pilot:\n  env:\n    ENABLE_NATIVE_SIDECARS: 'false'\n" },
        NATIVE,
        "off",
    ],
    [
        "helm -f a file the script does not write",
        `helm upgrade istiod istio/istiod -f values.yaml --version 1.28.1`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "helm --reuse-values without the env",
        `helm upgrade istiod istio/istiod --reuse-values --version 1.28.1`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "helm --reuse-values with the env on",
        `helm upgrade istiod istio/istiod --reuse-values --set pilot.env.${ON}`,
        undefined,
        NATIVE,
        "silent",
    ],
    [
        "helm an oci chart",
        `helm install istiod oci://registry.example/charts/istiod --set pilot.env.${OFF}`,
        undefined,
        NATIVE,
        "off",
    ],
    ["helm a chart from a variable", `helm upgrade istiod "$CHART" --set pilot.env.${OFF}`, undefined, NATIVE, "off"],
    ["helm another chart", `helm upgrade web bitnami/nginx --set replicaCount=2`, undefined, NATIVE, "silent"],
    [
        "helm template | kubectl apply",
        `helm template istiod istio/istiod --set pilot.env.${OFF} | kubectl apply -f -`,
        undefined,
        NATIVE,
        "off",
    ],
    ["helm rollback of istiod", `helm rollback istiod 3`, undefined, NATIVE, "cannot tell"],
    // kubectl (kubernetes/kubectl pkg/cmd).
    ["kubectl set env off", `kubectl -n istio-system set env deployment/istiod ${OFF}`, undefined, NATIVE, "off"],
    ["kubectl set env on", `kubectl set env deploy istiod ${ON} -n istio-system`, undefined, NATIVE, "silent"],
    [
        "kubectl set env --from",
        `kubectl set env deployment/istiod --from=configmap/istiod-env`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "kubectl patch istiod (strategic)",
        `kubectl patch deployment istiod -n istio-system -p '${ISTIOD_PATCH("false")}'`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "kubectl patch istiod (JSON patch)",
        `kubectl patch deployment istiod --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/env/0/value","value":"false"}]'`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "kubectl patch asmmeshconfig off",
        `kubectl patch asmmeshconfig default --type=merge --patch='{"spec":{"enableNativeSidecar":false}}'`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "kubectl patch asmmeshconfig on",
        `kubectl patch asmmeshconfig default --type=merge --patch='{"spec":{"enableNativeSidecar":true}}'`,
        undefined,
        NATIVE,
        "silent",
    ],
    [
        "kubectl apply of an ASMMeshConfig here-document",
        `kubectl apply -f - <<'EOF'\napiVersion: istio.alibabacloud.com/v1beta1\nkind: ASMMeshConfig\nmetadata:\n  name: default\nspec:\n  enableNativeSidecar: false\nEOF`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "kubectl apply of a file the script does not write",
        `kubectl apply -f manifests/`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    ["kubectl apply --dry-run=client", `kubectl apply --dry-run=client -f manifests/`, undefined, NATIVE, "silent"],
    ["kubectl edit istiod", `kubectl edit deployment/istiod -n istio-system`, undefined, NATIVE, "cannot tell"],
    ["kubectl get changes nothing", `kubectl get pods -A`, undefined, NATIVE, "silent"],
    [
        "kubectl rollout undo of istiod",
        `kubectl -n istio-system rollout undo deployment/istiod`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "kubectl rollout restart of istiod changes no setting",
        `kubectl -n istio-system rollout restart deployment/istiod`,
        undefined,
        NATIVE,
        "silent",
    ],
    // curl/wget, aliyun.
    [
        "curl PATCH of istiod through the Kubernetes API",
        `curl -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' https://10.0.0.1:6443/apis/apps/v1/namespaces/istio-system/deployments/istiod -d '${ISTIOD_PATCH("false")}'`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "curl PATCH of an ASMMeshConfig from a file not written",
        `curl -X PATCH https://k8s:6443/apis/istio.alibabacloud.com/v1beta1/asmmeshconfigs/default -d @patch.json`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    [
        "aliyun servicemesh with a native sidecar parameter off",
        `aliyun servicemesh UpdateMeshFeature --ServiceMeshId c1 --EnableNativeSidecar false`,
        undefined,
        NATIVE,
        "off",
    ],
    [
        "aliyun servicemesh without one",
        `aliyun servicemesh UpdateMeshFeature --ServiceMeshId c1 --Tracing true`,
        undefined,
        NATIVE,
        "silent",
    ],
    [
        "curl to servicemesh.aliyuncs.com, parameter off",
        `curl 'https://servicemesh.aliyuncs.com/?Action=UpdateMeshFeature&ServiceMeshId=c1&EnableNativeSidecar=false'`,
        undefined,
        NATIVE,
        "off",
    ],
    // The shell itself.
    ["eval of a value not known before it runs", `eval "$SETUP"`, undefined, NATIVE, "cannot tell"],
    [
        "a script that does not parse",
        `istioctl install --set 'values.pilot.env.${ON}`,
        undefined,
        NATIVE,
        "cannot tell",
    ],
    ["an unknown tool naming istiod", `./rollout.sh istiod`, undefined, NATIVE, "cannot tell"],
    ["an unknown tool naming nothing of the mesh", `./build.sh web`, undefined, NATIVE, "silent"],
    ["a program from a variable, naming istio", `$ISTIOCTL install -y`, undefined, NATIVE, "cannot tell"],
    ["a script run by python", `print("istioctl install")`, { interpreter: ["python3", "-c"] }, NATIVE, "cannot tell"],
    // Managed meshes (gcloud, curl to GKE Hub).
    [
        "gcloud mesh update --management automatic",
        `gcloud container fleet mesh update --management automatic --memberships m`,
        undefined,
        MANAGED,
        "off",
    ],
    [
        "gcloud mesh update --management manual",
        `gcloud container fleet mesh update --management manual --memberships m`,
        undefined,
        MANAGED,
        "silent",
    ],
    [
        "gcloud --management from an unset variable",
        `gcloud container fleet mesh update --management "$MODE"`,
        undefined,
        MANAGED,
        "cannot tell",
    ],
    [
        "gcloud --fleet-default-member-config written by the script",
        `printf 'management: automatic\\n' > m.yaml; gcloud container fleet mesh enable --fleet-default-member-config m.yaml`,
        undefined,
        MANAGED,
        "off",
    ],
    [
        "curl PATCH to gkehub with MANAGEMENT_AUTOMATIC",
        `curl -X PATCH "https://gkehub.googleapis.com/v1/projects/p/locations/global/features/servicemesh?updateMask=membershipSpecs" -d '{"membershipSpecs":{"m":{"mesh":{"management":"MANAGEMENT_AUTOMATIC"}}}}'`,
        undefined,
        MANAGED,
        "off",
    ],
    [
        "curl PATCH to gkehub with a body not written",
        `curl -X PATCH https://gkehub.googleapis.com/v1/projects/p/locations/global/features/servicemesh --data @body.json`,
        undefined,
        MANAGED,
        "cannot tell",
    ],
    [
        "kubectl label a namespace with a managed revision",
        `kubectl label namespace apps istio.io/rev=asm-managed-rapid --overwrite`,
        undefined,
        MANAGED,
        "off",
    ],
    ["asmcli --managed", `./asmcli install --managed --project_id p`, undefined, MANAGED, "off"],
];

describe("command readers: fixture tables (on silent, off mandatory, unreadable cannot tell)", () => {
    for (const [what, script, extra, policy, expected] of TABLE) {
        it(`${what}: ${expected}`, () => {
            const environment = extra && !("interpreter" in extra) ? { environment: extra } : (extra ?? {});
            const { outcome, messages } = verdict(script, policy, environment);
            assert.equal(outcome, expected, messages.join("\n"));
        });
    }

    it("a cannot-tell counts at the policy's level under strict", () => {
        const resource = {
            urn: "u",
            type: "command:local:Command",
            name: "c",
            props: { create: "istioctl install -f x.yaml" },
        };
        const strict = evaluatePolicies([resource], undefined, { strict: true }).filter((v) => v.policy === NATIVE);
        assert.ok(strict.length > 0 && strict.every((v) => v.enforcementLevel === "mandatory"), JSON.stringify(strict));
    });
});
