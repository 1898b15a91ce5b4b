import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FormanceSetting, settingsSpec } from "./formanceSpec";

export type { FormanceSetting };
export { settingsSpec };

export interface FormanceSettingsArgs {
    /** The Settings to apply. */
    settings: FormanceSetting[];
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
}

/**
 * Cluster-scoped `formance.com/v1beta1` `Settings` (FACTS.md, "Formance operator Settings").
 * Every value is checked before anything is declared, so a bad one creates nothing.
 */
export class FormanceSettings extends pulumi.ComponentResource {
    public readonly settings: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: FormanceSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:FormanceSettings", name, {}, opts);
        const specs = args.settings.map((s) => ({ name: s.name, spec: settingsSpec(s) }));
        this.settings = specs.map(
            ({ name: objectName, spec }) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${objectName.replace(/^nativemesh-/, "")}`,
                    { apiVersion: "formance.com/v1beta1", kind: "Settings", metadata: { name: objectName }, spec },
                    { parent: this, provider: args.provider },
                ),
        );
        this.registerOutputs({});
    }
}
