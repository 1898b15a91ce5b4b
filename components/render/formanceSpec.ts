/**
 * Pure mapping from the `nativemesh:formance` config (and per-namespace pod-template annotations) to the
 * list of Formance `Settings` to apply.
 */
import { encodeKeyValueMap, isMapSettingKey } from "../../policy/facts/formance";

/** The parts of the `nativemesh:formance` config the Settings are made from (config/config.ts validates it). */
export interface FormanceSettingsSource {
    stacks: string[];
    namespaceLabel: boolean;
    serviceAnnotations: Record<string, Record<string, string>>;
    deploymentAnnotations: Record<string, Record<string, string>>;
    jobAnnotations: Record<string, Record<string, string>>;
}

/** A meshed namespace's pod-template defaults for its own Formance stack. */
export interface NamespaceSettingsSource {
    name: string;
    podTemplateAnnotations: Record<string, string>;
}

/** One Formance `Settings` object. */
export interface FormanceSetting {
    /** metadata.name of the cluster-scoped object. */
    name: string;
    /** Setting key, e.g. `namespace.labels` or `services.gateway.annotations`. */
    key: string;
    /** A map for map-valued keys (encoded for the operator's parser), or a plain string. */
    value: Record<string, string> | string;
    /** Formance stacks it applies to; `*` for all. */
    stacks: string[];
    /** Where it came from in the stack config (e.g. formance.serviceAnnotations.gateway), for error messages. */
    source?: (string | number)[];
}

/** The `spec` of a Settings object; map values are encoded so the operator reads back exactly what was given.
 *  Throws FormanceValueError, with the reason and the way out, for a value the operator's parser would mangle. */
export function settingsSpec(setting: FormanceSetting): { key: string; value: string; stacks: string[] } {
    let value: string;
    if (typeof setting.value === "string") {
        value = setting.value;
    } else if (isMapSettingKey(setting.key)) {
        value = encodeKeyValueMap(setting.key, setting.value);
    } else {
        throw new Error(
            `Formance setting ${setting.name}: key ${setting.key} does not take a map; give a string value`,
        );
    }
    return { key: setting.key, value, stacks: [...setting.stacks] };
}

/** A Kubernetes object name from a setting key: `services.gateway.annotations` → `nativemesh-services-gateway-annotations`. */
export function settingObjectName(key: string, suffix?: string): string {
    const base = `nativemesh-${key}${suffix ? `-${suffix}` : ""}`
        .toLowerCase()
        .replace(/\*/g, "all")
        .replace(/[^a-z0-9.-]+/g, "-")
        .replace(/\.+/g, "-");
    return base.slice(0, 253).replace(/-+$/, "");
}

/**
 * The Settings for a Formance configuration. `namespaceLabels` are the injection labels namespaces the
 * operator creates get (`istio.io/rev=<revision or tag>`; the operator only labels namespaces it creates
 * itself: formancehq/operator internal/resources/stacks/init.go).
 */
export function formanceSettingsFor(
    formance: FormanceSettingsSource,
    namespaceLabels: Record<string, string>,
    namespaces: NamespaceSettingsSource[],
): FormanceSetting[] {
    const stacks = formance.stacks;
    const out: FormanceSetting[] = [];
    const add = (
        source: (string | number)[],
        key: string,
        value: Record<string, string>,
        scope = stacks,
        suffix?: string,
    ) => out.push({ name: settingObjectName(key, suffix), key, value, stacks: [...scope], source });
    if (formance.namespaceLabel) {
        add(["formance", "namespaceLabel"], "namespace.labels", namespaceLabels);
    }
    for (const [service, annotations] of Object.entries(formance.serviceAnnotations)) {
        add(["formance", "serviceAnnotations", service], `services.${service}.annotations`, annotations);
    }
    for (const [deployment, annotations] of Object.entries(formance.deploymentAnnotations)) {
        add(
            ["formance", "deploymentAnnotations", deployment],
            `deployments.${deployment}.spec.template.annotations`,
            annotations,
        );
    }
    for (const [ownerKind, annotations] of Object.entries(formance.jobAnnotations)) {
        add(["formance", "jobAnnotations", ownerKind], `jobs.${ownerKind}.spec.template.annotations`, annotations);
    }
    // Per-namespace pod-template defaults: a Formance stack lives in the namespace of its name, so the
    // Settings are scoped to that one stack; `*` matches every deployment or job owner in it.
    namespaces.forEach((ns, i) => {
        if (Object.keys(ns.podTemplateAnnotations).length === 0) return;
        const source = ["namespaces", i, "podTemplateAnnotations"];
        add(source, "deployments.*.spec.template.annotations", ns.podTemplateAnnotations, [ns.name], ns.name);
        add(source, "jobs.*.spec.template.annotations", ns.podTemplateAnnotations, [ns.name], ns.name);
    });
    return out;
}
