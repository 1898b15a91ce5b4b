// The sidecar injector's own ConfigMap, `istio-sidecar-injector[-<revision>]`, given as a manifest (a rendered
// chart's children, `istioctl manifest generate` through a ConfigGroup). istiod injects with the templates in
// its `config` key: `defaultTemplates` (default `sidecar`) applied to every pod, each rendered with
// `.NativeSidecars`, which istiod sets from ENABLE_NATIVE_SIDECARS (istio/istio pkg/kube/inject/webhook.go,
// inject.go; manifests/charts/istio-control/istio-discovery/files/injection-template.yaml reads it). The `values`
// key carries no native switch. A default template that never reads `.NativeSidecars` may inject regular sidecars
// whatever the env says.

import { parseYaml } from "./helm-values";
import { at, CANNOT_TELL, isPlainObject, readArray, readString } from "./read";

const CONFIG_MAP = /^kubernetes:core\/v1:ConfigMap(Patch)?$/;
const INJECTOR_NAME = /^istio-sidecar-injector(-[a-z0-9-]+)?$/;

/** Why an injector ConfigMap's templates may not follow ENABLE_NATIVE_SIDECARS; undefined when they do, or when
 *  the resource is not one. */
export function injectorConfigDoubt(type: string, props: unknown): string | undefined {
    if (!CONFIG_MAP.test(type)) return undefined;
    const name = readString(at(props, "metadata", "name"));
    if (typeof name !== "string" || !INJECTOR_NAME.test(name)) return undefined;
    const config = readString(at(props, "data", "config"));
    if (config === undefined) return undefined;
    if (config === CANNOT_TELL) return "data.config is secret, unknown or not a string";
    let parsed: unknown;
    try {
        parsed = parseYaml(config);
    } catch {
        return "data.config is not YAML";
    }
    const defaults = readArray(at(parsed, "defaultTemplates"));
    if (defaults === CANNOT_TELL) return "data.config defaultTemplates is not a list";
    const names = defaults && defaults.length > 0 ? defaults : ["sidecar"];
    const templates = at(parsed, "templates");
    for (const template of names) {
        const text = typeof template === "string" && isPlainObject(templates) ? templates[template] : undefined;
        if (typeof text !== "string") return `data.config template ${JSON.stringify(template)} cannot be read`;
        if (!text.includes(".NativeSidecars"))
            return `data.config template ${JSON.stringify(template)} never reads .NativeSidecars`;
    }
    return undefined;
}
