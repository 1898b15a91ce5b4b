/**
 * Waiting for a mesh's sidecar injector to exist in the cluster. Alibaba Service Mesh installs its injector
 * webhook into a data-plane (ACK) cluster on its own schedule after the cluster joins the mesh, so a canary
 * created too early would be admitted without a sidecar and fail for the wrong reason. The wait asks the API
 * server for MutatingWebhookConfigurations until one has an Istio injector webhook (Istio names them
 * `*sidecar-injector.istio.io`, istio/istio manifests/charts/istio-control/istio-discovery/templates/
 * mutatingwebhook.yaml, and ASM keeps Istio's names).
 */
import * as pulumi from "@pulumi/pulumi";

/** One MutatingWebhookConfiguration, as far as the wait needs it. */
export interface WebhookConfigSummary {
    name: string;
    webhooks: string[];
}

export const INJECTOR_WEBHOOK = /(^|\.)sidecar-injector\.istio\.io$/;

export interface WaitOptions {
    timeoutMs: number;
    intervalMs: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

/** Polls `list` until a configuration carries an injector webhook; its name, or an error after the timeout. */
export async function waitForInjectorWebhook(
    list: () => Promise<WebhookConfigSummary[]>,
    options: WaitOptions,
): Promise<string> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const now = options.now ?? Date.now;
    const deadline = now() + options.timeoutMs;
    let lastError = "";
    for (;;) {
        try {
            const found = (await list()).find((c) => c.webhooks.some((w) => INJECTOR_WEBHOOK.test(w)));
            if (found) return found.name;
            lastError = "";
        } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
        }
        if (now() >= deadline) {
            throw new Error(
                `no sidecar injector webhook (*sidecar-injector.istio.io) appeared in the cluster within ${Math.round(
                    options.timeoutMs / 1000,
                )} s${lastError ? ` (last error: ${lastError})` : ""}: the mesh has not installed its injector here`,
            );
        }
        await sleep(options.intervalMs);
    }
}

async function listWebhookConfigs(kubeconfig: string): Promise<WebhookConfigSummary[]> {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    const api = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    const list = await api.listMutatingWebhookConfiguration();
    return list.items.map((c) => ({
        name: c.metadata?.name ?? "",
        webhooks: (c.webhooks ?? []).map((w) => w.name),
    }));
}

/**
 * The name of the cluster's injector webhook configuration, once it exists: during `pulumi up` it waits up to
 * `timeoutSeconds`; during a preview it looks once and says "pending" when there is none yet.
 */
export function injectorWebhookName(kubeconfig: pulumi.Input<string>, timeoutSeconds: number): pulumi.Output<string> {
    return pulumi.output(kubeconfig).apply(async (text) => {
        const preview = pulumi.runtime.isDryRun();
        try {
            return await waitForInjectorWebhook(() => listWebhookConfigs(text), {
                timeoutMs: preview ? 0 : timeoutSeconds * 1000,
                intervalMs: 5000,
            });
        } catch (error) {
            if (preview) return "pending";
            throw error;
        }
    });
}
