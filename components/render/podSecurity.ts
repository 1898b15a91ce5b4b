/**
 * Pod Security admission, as kube-apiserver enforces it from a namespace's labels (kubernetes.io "Enforce Pod
 * Security Standards with Namespace Labels"; PodSecurity admission is on by default since Kubernetes 1.25).
 */

/** The label whose value (privileged, baseline, restricted) the API server enforces on every pod of the namespace. */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

/**
 * The Pod Security labels of a namespace whose pods nativemesh injects itself (the canary's): `restricted`, the
 * strictest level, only when injection goes through the Istio CNI node agent, since the istio-init container that
 * injection adds otherwise needs NET_ADMIN, NET_RAW and UID 0, which baseline and restricted refuse
 * (istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml).
 */
export function podSecurityLabels(cni: boolean): Record<string, string> {
    return cni ? { [POD_SECURITY_ENFORCE]: "restricted" } : {};
}
