/**
 * Which kind of Istio proxy a pod runs, by the template Istio meant for it, so that `status` judges each by what
 * that template does. Pure.
 *
 * - The injector picks templates from the pod annotation `inject.istio.io/templates` (comma-separated), else its
 *   default `sidecar` (istio/istio `pkg/kube/inject/webhook.go`, `selectTemplates`; `defaultTemplates` of the
 *   injector config). Only the `sidecar` template (`files/injection-template.yaml`) reads native mode (its
 *   `.NativeSidecars`); the `gateway` template keeps a regular `istio-proxy` container by design (the gateway
 *   chart's pods carry `inject.istio.io/templates: gateway`, `manifests/charts/gateway/values.yaml`), and so do
 *   `grpc-agent` and custom templates. Such pods are judged by their revision alone.
 * - Waypoints and Gateway API gateways are not injected: istiod's gateway controller renders their Deployment
 *   (`files/waypoint.yaml`, `files/kube-gateway.yaml`) with the label `gateway.istio.io/managed`
 *   (`istio.io-mesh-controller` for a waypoint, `istio.io-gateway-controller` for a Gateway API gateway;
 *   `pkg/config/constants`), the opt-out label `sidecar.istio.io/inject: "false"` (the proxy is the pod itself),
 *   the pod annotation `istio.io/rev` of the revision that rendered it and the label
 *   `gateway.networking.k8s.io/gateway-name`. They are judged by that revision, never called opted out; a restart
 *   does not move them (the revision that serves their Gateway re-renders them), so their owner is the Gateway.
 */
/** What this module reads of a pod (classify.ts's PodLike has it). */
interface PodMeta {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export const TEMPLATES_ANNOTATION = "inject.istio.io/templates";
export const MANAGED_LABEL = "gateway.istio.io/managed";
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
/** The injector's default template, the only one that reads native mode. */
export const SIDECAR_TEMPLATE = "sidecar";
/** `gateway.istio.io/managed` of a waypoint (istio/istio pkg/config/constants, ManagedGatewayMeshControllerLabel). */
export const WAYPOINT_CONTROLLER = "istio.io-mesh-controller";

export type ProxyRole =
    /** Injected with the sidecar template: the native switch applies. */
    | { kind: "sidecar" }
    /** Injected with other templates (gateway, grpc-agent, custom): the proxy is as the template makes it. */
    | { kind: "template"; templates: string[] }
    /** Rendered by istiod's gateway controller: a waypoint or a Gateway API gateway. */
    | { kind: "managed"; what: "waypoint" | "Gateway API gateway"; gateway?: string };

/** The templates the injector applies to a pod. */
export function injectionTemplates(pod: PodMeta): string[] {
    const value = pod.metadata?.annotations?.[TEMPLATES_ANNOTATION];
    if (value === undefined || value.trim() === "") return [SIDECAR_TEMPLATE];
    return value
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "");
}

export function proxyRole(pod: PodMeta): ProxyRole {
    const labels = pod.metadata?.labels ?? {};
    const controller = labels[MANAGED_LABEL];
    if (controller !== undefined && controller !== "") {
        const gateway = labels[GATEWAY_NAME_LABEL];
        return {
            kind: "managed",
            what: controller === WAYPOINT_CONTROLLER ? "waypoint" : "Gateway API gateway",
            ...(gateway ? { gateway } : {}),
        };
    }
    const templates = injectionTemplates(pod);
    return templates.includes(SIDECAR_TEMPLATE) ? { kind: "sidecar" } : { kind: "template", templates };
}

/** How a report names a role: `gateway template`, `waypoint`. */
export function describeRole(role: ProxyRole): string {
    switch (role.kind) {
        case "sidecar":
            return "sidecar";
        case "template":
            return `${role.templates.join(",")} template`;
        case "managed":
            return role.what;
    }
}
