/**
 * The component package (plugin/: PulumiPlugin.yaml, runtime nodejs) as other languages see it: `pulumi package
 * get-schema` runs the plugin under the real CLI and Node.js language host, and Pulumi infers the schema from the
 * TypeScript types. Every component the plugin exports is listed with its documented inputs and outputs.
 */
import * as path from "node:path";
import { ROOT, RUN } from "../lib/env";
import { pulumiOk } from "../lib/pulumi";
import { expect, Spec } from "../lib/spec";

export const PLUGIN = path.join(ROOT, "plugin");
/** What plugin/index.ts exports: the only component another language gets (docs/COMPONENTS.md, "The components from Python, YAML and other languages"). */
const COMPONENTS = ["nativemesh:index:MeshEnvironment"];

interface Property {
    type?: string;
    $ref?: string;
    description?: string;
    items?: Property;
    additionalProperties?: Property;
}
interface PackageSchema {
    name: string;
    version?: string;
    resources: Record<
        string,
        {
            isComponent?: boolean;
            description?: string;
            inputProperties: Record<string, Property>;
            requiredInputs?: string[];
            properties: Record<string, Property>;
        }
    >;
    types: Record<string, { properties?: Record<string, Property>; required?: string[] }>;
}

/** plugin/index.js is built by `npm ci` (prepare); in a checkout being edited, built again when a source is newer. */
export function ensurePluginBuilt(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require(path.join(ROOT, "cli", "build.js")) as { isStale(): boolean; buildBundles(): void };
    if (build.isStale()) build.buildBundles();
}

export const packageSchema: Spec = {
    name: "schema: `pulumi package get-schema plugin` lists every exported component with documented inputs and outputs",
    async run() {
        ensurePluginBuilt();
        const res = await pulumiOk(["package", "get-schema", PLUGIN], { cwd: RUN });
        const schema = JSON.parse(res.stdout) as PackageSchema;
        expect(schema.name === "nativemesh", `package name ${schema.name}`);
        const names = Object.keys(schema.resources).sort();
        expect(
            JSON.stringify(names) === JSON.stringify(COMPONENTS),
            `components ${names.join(", ")} (expected ${COMPONENTS.join(", ")})`,
        );
        const env = schema.resources["nativemesh:index:MeshEnvironment"];
        expect(env.isComponent === true, "MeshEnvironment is not marked as a component");
        expect(/native sidecars/.test(env.description ?? ""), `MeshEnvironment's description: ${env.description}`);

        // Inputs: the nativemesh: configuration's sections, typed and described.
        const inputs = env.inputProperties;
        for (const key of [
            "cloud",
            "existing",
            "gke",
            "ack",
            "mesh",
            "namespaces",
            "formance",
            "canary",
            "secretPaths",
        ]) {
            expect(inputs[key] !== undefined, `input ${key} missing (has ${Object.keys(inputs).join(", ")})`);
            expect((inputs[key].description ?? "") !== "", `input ${key} has no description`);
        }
        expect(
            inputs.cloud.type === "string" && /gke, ack or existing/.test(inputs.cloud.description ?? ""),
            `cloud: ${JSON.stringify(inputs.cloud)}`,
        );
        expect(inputs.mesh.$ref === "#/types/nativemesh:index:MeshInput", `mesh: ${JSON.stringify(inputs.mesh)}`);
        expect(
            inputs.namespaces.type === "array" &&
                inputs.namespaces.items?.$ref === "#/types/nativemesh:index:NamespaceInput",
            `namespaces: ${JSON.stringify(inputs.namespaces)}`,
        );
        const required = [...(env.requiredInputs ?? [])].sort();
        expect(JSON.stringify(required) === '["cloud","mesh"]', `required inputs ${required.join(", ")}`);

        // Nested types: every property documented; a few checked for their type.
        const mesh = schema.types["nativemesh:index:MeshInput"]?.properties ?? {};
        expect(mesh.version?.type === "string", `mesh.version: ${JSON.stringify(mesh.version)}`);
        expect(
            mesh.istiodReplicas?.type === "integer" || mesh.istiodReplicas?.type === "number",
            "mesh.istiodReplicas",
        );
        expect(mesh.nativeSidecars?.type === "boolean", `mesh.nativeSidecars: ${JSON.stringify(mesh.nativeSidecars)}`);
        expect(
            mesh.istiodValues?.type === "object" && mesh.istiodValues.additionalProperties?.$ref === "pulumi.json#/Any",
            `mesh.istiodValues: ${JSON.stringify(mesh.istiodValues)}`,
        );
        const existing = schema.types["nativemesh:index:ExistingClusterInput"];
        expect(
            JSON.stringify(existing?.required ?? []) === '["kubeconfig"]',
            `existing's required: ${JSON.stringify(existing?.required)}`,
        );
        const undocumented = Object.entries(schema.types).flatMap(([type, t]) =>
            Object.entries(t.properties ?? {})
                .filter(([, p]) => (p.description ?? "") === "")
                .map(([key]) => `${type}.${key}`),
        );
        expect(undocumented.length === 0, `undocumented: ${undocumented.join(", ")}`);
        expect(Object.keys(schema.types).length >= 15, `only ${Object.keys(schema.types).length} types`);

        // Outputs: what another language reads back.
        const out = env.properties;
        expect(out.kubeconfig?.type === "string", `kubeconfig output: ${JSON.stringify(out.kubeconfig)}`);
        expect(out.revision?.type === "string", `revision output: ${JSON.stringify(out.revision)}`);
        expect(
            out.namespaceNames?.type === "array" && out.namespaceNames.items?.type === "string",
            `namespaceNames output: ${JSON.stringify(out.namespaceNames)}`,
        );
        expect(out.canaryJob?.type === "string", `canaryJob output: ${JSON.stringify(out.canaryJob)}`);
        for (const [key, p] of Object.entries(out)) expect((p.description ?? "") !== "", `output ${key} undocumented`);
    },
};
