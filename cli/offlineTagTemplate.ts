/**
 * The offline engine's answer to the Kubernetes provider's `kubernetes:helm:template` invoke, for the one chart
 * render nativemesh asks for: the revision-tag objects of Istio's istiod chart. There is no Helm offline, so this
 * is a stand-in, written from the chart's `templates/revision-tags-mwc.yaml` and `templates/revision-tags-svc.yaml`
 * (istio/istio manifests/charts/istio-control/istio-discovery, release-1.31): the names, labels and webhook names
 * the policy pack and the plan read. The end-to-end suite renders the real chart with Helm and compares it with
 * this stand-in, so the two cannot drift apart unnoticed. Any other chart renders to nothing offline.
 */

interface TemplateOptions {
    path?: string;
    chart?: string;
    namespace?: string;
    values?: {
        revision?: string;
        revisionTags?: string[];
        istiodRemote?: { injectionURL?: string; injectionPath?: string };
    };
}

/** Whether a `helm template` request renders Istio's istiod chart (a repository chart or a local directory). */
function isIstiodChart(opts: TemplateOptions): boolean {
    const ref = opts.chart ?? opts.path ?? "";
    return /(^|\/)istiod\/?$/.test(ref);
}

/** The webhook's target: istiod's revisioned Service, or the URL an istiod outside the cluster listens on. */
function clientConfig(opts: TemplateOptions, revision: string, namespace: string): Record<string, unknown> {
    const url = opts.values?.istiodRemote?.injectionURL;
    if (url) return { url };
    return {
        service: {
            name: revision === "" ? "istiod" : `istiod-${revision}`,
            namespace,
            path: opts.values?.istiodRemote?.injectionPath ?? "/inject",
            port: 443,
        },
    };
}

/** The objects `helm template -s templates/revision-tags-mwc.yaml -s templates/revision-tags-svc.yaml` prints. */
export function renderTagObjects(opts: TemplateOptions): Record<string, unknown>[] {
    if (!isIstiodChart(opts)) return [];
    const namespace = opts.namespace ?? "default";
    const revision = opts.values?.revision ?? "";
    const labelRevision = revision === "" ? "default" : revision;
    return (opts.values?.revisionTags ?? []).flatMap((tag) => {
        const webhook = (prefix: string) => ({
            name: `${prefix}sidecar-injector.istio.io`,
            clientConfig: clientConfig(opts, revision, namespace),
            sideEffects: "None",
            failurePolicy: "Fail",
            admissionReviewVersions: ["v1"],
        });
        const prefixes = ["rev.namespace.", "rev.object.", ...(tag === "default" ? ["namespace.", "object."] : [])];
        return [
            {
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "MutatingWebhookConfiguration",
                metadata: {
                    name:
                        namespace === "istio-system"
                            ? `istio-revision-tag-${tag}`
                            : `istio-revision-tag-${tag}-${namespace}`,
                    labels: {
                        "istio.io/tag": tag,
                        "istio.io/rev": labelRevision,
                        app: "sidecar-injector",
                        "app.kubernetes.io/name": "istiod",
                    },
                },
                webhooks: prefixes.map(webhook),
            },
            {
                apiVersion: "v1",
                kind: "Service",
                metadata: {
                    name: `istiod-revision-tag-${tag}`,
                    namespace,
                    labels: { "istio.io/rev": labelRevision, "istio.io/tag": tag, app: "istiod" },
                },
                spec: {
                    ports: [
                        { port: 15010, name: "grpc-xds", protocol: "TCP" },
                        { port: 15012, name: "https-dns", protocol: "TCP" },
                        { port: 443, name: "https-webhook", targetPort: 15017, protocol: "TCP" },
                        { port: 15014, name: "http-monitoring", protocol: "TCP" },
                    ],
                    selector:
                        revision === ""
                            ? { app: "istiod", istio: "pilot" }
                            : { app: "istiod", "istio.io/rev": revision },
                },
            },
        ];
    });
}

/** The invoke's answer: `{ result: objects }`, as the provider returns it. */
export function offlineHelmTemplate(inputs: Record<string, unknown>): Record<string, unknown> {
    const json = inputs.jsonOpts;
    const opts = typeof json === "string" ? (JSON.parse(json) as TemplateOptions) : {};
    return { result: renderTagObjects(opts) };
}
