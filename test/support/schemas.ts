/**
 * Strict validation of what nativemesh renders against the upstream schemas in ../shared/schemas (see its
 * README.md): Kubernetes 1.33 OpenAPI v3 for core/apps/batch kinds, CRDs for custom resources, and the Sail
 * operator's typed `spec.values` for istiod Helm values.
 *
 * Upstream schemas leave objects open; the API server's strict field validation (`kubectl apply
 * --validate=strict`) and Helm's typos-are-silently-ignored behaviour are what we guard against, so every
 * object schema that lists `properties` is closed here unless it says `additionalProperties` or
 * `x-kubernetes-preserve-unknown-fields`. CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as YAML from "yaml";
import { editDistance } from "../../components/config/config";

export const SHARED_SCHEMAS_DIR = path.resolve(__dirname, "../..", "../shared/schemas");

/** One finding. `path` is dotted with `[i]` for list items and `["k"]` for keys that are not identifiers;
 *  "" is the object itself. */
export interface SchemaProblem {
    path: string;
    message: string;
}

/** Files used here, by their names in ../shared/schemas/README.md. */
const FILES = {
    core: "k8s-1.33-openapi-v3-api__v1.json",
    apps: "k8s-1.33-openapi-v3-apis__apps__v1.json",
    batch: "k8s-1.33-openapi-v3-apis__batch__v1.json",
    settings: "formance-operator-v3.9.2-settings.formance.com.yaml",
    istioOperator: "istio-1.23.0-crd-operator-IstioOperator.yaml",
    sail: "sail-operator-1.30.3-sailoperator.io_istios.yaml",
    istiodDefaults: "istio-1.30.3-istiod-values.yaml",
} as const;

/** Kubernetes OpenAPI document by apiVersion; custom resource definitions by apiVersion. */
const K8S_DOCS: Record<string, string> = { v1: FILES.core, "apps/v1": FILES.apps, "batch/v1": FILES.batch };
const CRD_DOCS: Record<string, string> = {
    "formance.com/v1beta1": FILES.settings,
    "install.istio.io/v1alpha1": FILES.istioOperator,
    "sailoperator.io/v1": FILES.sail,
};

const OBJECT_META = `${FILES.core}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const ISTIOD_VALUES = "istiod-values";

// Values that cannot be read (common brief): Pulumi's unknown sentinel and its secret envelope.
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function sharedSchemasAvailable(): boolean {
    return Object.values(FILES).every((file) => fs.existsSync(path.join(SHARED_SCHEMAS_DIR, file)));
}

type Schema = { [keyword: string]: unknown };

function isRecord(value: unknown): value is Schema {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readShared(file: string): string {
    return fs.readFileSync(path.join(SHARED_SCHEMAS_DIR, file), "utf8");
}

// ---------------------------------------------------------------------------------------------------------
// OpenAPI 3.0 / structural-schema dialect -> JSON Schema draft-07 as Ajv reads it, with objects closed.

/** Keywords that describe a value without constraining it. */
const ANNOTATIONS = new Set(["description", "default", "example", "title", "externalDocs", "readOnly"]);
const SUBSCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const SUBSCHEMA = new Set(["items", "additionalProperties", "not"]);

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
    if (ajvInstance === undefined) {
        // strict: an OpenAPI keyword left unconverted fails compilation instead of being silently ignored.
        ajvInstance = new Ajv({
            allErrors: true,
            verbose: true,
            strict: true,
            strictTypes: false,
            allowUnionTypes: true,
            inlineRefs: false,
        });
        addFormats(ajvInstance);
    }
    return ajvInstance;
}

/** `crd`: structural-schema rules, where the API server applies `default`s before validating, so a required
 *  field with a default is never missing (kubernetes.io, "Extend the Kubernetes API with
 *  CustomResourceDefinitions", section "Defaulting"). */
function toStrict(node: unknown, refBase: string, crd: boolean): unknown {
    if (!isRecord(node)) return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
        if (ANNOTATIONS.has(key) || key.startsWith("x-kubernetes-") || key === "nullable") continue;
        // Formats Ajv does not know (int-or-string, handled below) are OpenAPI annotations; drop them.
        if (key === "format" && (typeof value !== "string" || !(value in ajv().formats))) continue;
        if (key === "properties" && isRecord(value)) {
            out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStrict(v, refBase, crd)]));
        } else if (key === "$ref" && typeof value === "string") {
            out.$ref = value.replace("#/components/schemas/", `${refBase}#/definitions/`);
        } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
            out[key] = value.map((v) => toStrict(v, refBase, crd));
        } else {
            out[key] = SUBSCHEMA.has(key) ? toStrict(value, refBase, crd) : value;
        }
    }
    if (node["x-kubernetes-int-or-string"] === true || node.format === "int-or-string") {
        delete out.anyOf;
        delete out.oneOf;
        out.type = ["integer", "string"];
    }
    if (crd && Array.isArray(out.required) && isRecord(node.properties)) {
        const properties = node.properties;
        out.required = (out.required as string[]).filter(
            (k) => !isRecord(properties[k]) || properties[k].default === undefined,
        );
    }
    collapseTypeAlternatives(out);
    if (
        out.properties !== undefined &&
        !("additionalProperties" in out) &&
        node["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
        out.additionalProperties = false;
    }
    return node.nullable === true ? nullable(out) : out;
}

/** `oneOf: [{type: string}, {type: number}]` (Quantity) -> `type: [string, number]`: one clear error, not three. */
function collapseTypeAlternatives(schema: Schema): void {
    for (const key of ["oneOf", "anyOf"]) {
        const branches = schema[key];
        if (!Array.isArray(branches) || schema.type !== undefined) continue;
        const bare = branches.every((b) => isRecord(b) && Object.keys(b).length === 1 && typeof b.type === "string");
        if (!bare) continue;
        schema.type = branches.map((b: Schema) => b.type);
        delete schema[key];
    }
}

function nullable(schema: Schema): Schema {
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
    if (typeof schema.type === "string") schema.type = [schema.type, "null"];
    else if (Array.isArray(schema.type)) schema.type = [...(schema.type as string[]), "null"];
    else return { anyOf: [{ type: "null" }, schema] };
    return schema;
}

// ---------------------------------------------------------------------------------------------------------
// Loading the upstream documents.

interface Gvk {
    group: string;
    version: string;
    kind: string;
}
interface OpenApiDoc {
    components: { schemas: Record<string, Schema> };
    paths: Record<string, Record<string, Schema>>;
}
interface Crd {
    kind: string;
    spec: {
        group: string;
        scope: string;
        names: { kind: string };
        versions: { name: string; schema?: { openAPIV3Schema: Schema } }[];
    };
}

interface KindCheck {
    validate: ValidateFunction;
    clusterScoped: boolean;
}

const gvkApiVersion = (gvk: Gvk): string => (gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`);

/** Kinds a Kubernetes document can create (a `post` operation), whether their path is namespaced, and the
 *  definition describing them; the document is registered with Ajv under its file name. */
const k8sKindsByFile = new Map<string, Map<string, { definition: string; clusterScoped: boolean }>>();
function k8sKinds(file: string, apiVersion: string): Map<string, { definition: string; clusterScoped: boolean }> {
    let kinds = k8sKindsByFile.get(file);
    if (kinds !== undefined) return kinds;
    const doc = JSON.parse(readShared(file)) as OpenApiDoc;
    const scopes = new Map<string, boolean>();
    for (const [route, operations] of Object.entries(doc.paths)) {
        const post = operations.post;
        const gvk = post?.["x-kubernetes-group-version-kind"] as Gvk | undefined;
        if (post?.["x-kubernetes-action"] !== "post" || gvk === undefined || gvkApiVersion(gvk) !== apiVersion)
            continue;
        scopes.set(gvk.kind, !route.includes("{namespace}"));
    }
    kinds = new Map();
    for (const [definition, schema] of Object.entries(doc.components.schemas)) {
        for (const gvk of (schema["x-kubernetes-group-version-kind"] as Gvk[] | undefined) ?? []) {
            const clusterScoped = scopes.get(gvk.kind);
            if (gvkApiVersion(gvk) === apiVersion && clusterScoped !== undefined)
                kinds.set(gvk.kind, { definition, clusterScoped });
        }
    }
    const definitions = Object.fromEntries(
        Object.entries(doc.components.schemas).map(([k, v]) => [k, toStrict(v, file, false)]),
    );
    ajv().addSchema({ $id: file, definitions });
    k8sKindsByFile.set(file, kinds);
    return kinds;
}

const yamlCache = new Map<string, unknown[]>();
function yamlDocs(file: string): unknown[] {
    let docs = yamlCache.get(file);
    if (docs === undefined) {
        docs = YAML.parseAllDocuments(readShared(file)).map((d) => d.toJS() as unknown);
        yamlCache.set(file, docs);
    }
    return docs;
}

/** The CRD's schema for one served version, converted, with `metadata` as ObjectMeta (the API server
 *  validates it so, whatever the CRD says). Undefined when the file has no such kind/version. */
function crdSchema(
    file: string,
    apiVersion: string,
    kind: string,
): { schema: Schema; clusterScoped: boolean } | undefined {
    const [group, version] = apiVersion.split("/");
    const crd = (yamlDocs(file) as Crd[]).find(
        (d) => d.kind === "CustomResourceDefinition" && d.spec.group === group && d.spec.names.kind === kind,
    );
    const openApi = crd?.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
    if (crd === undefined || openApi === undefined) return undefined;
    ensureCoreDoc();
    const schema = toStrict(openApi, "", true) as Schema;
    schema.properties = {
        ...(schema.properties as Schema | undefined),
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { $ref: OBJECT_META },
    };
    return { schema, clusterScoped: crd.spec.scope === "Cluster" };
}

function ensureCoreDoc(): void {
    k8sKinds(FILES.core, "v1");
}

/** istiod Helm values: Sail's typed `spec.values`, plus what the istiod chart reads that Sail's CR does not
 *  carry (istio-1.30.3-istiod-values.yaml): from Istio 1.24 the chart's values are flattened, so `pilot.*`
 *  keys are also accepted at the top level (typed as Sail types them under `pilot`), and chart-only keys
 *  (`revisionTags`, `ownerName`, ...) are checked for the JSON type of their chart default. */
function istiodValuesSchema(): Schema {
    const sail = crdSchema(FILES.sail, "sailoperator.io/v1", "Istio");
    if (sail === undefined)
        throw new Error(`${FILES.sail}: no sailoperator.io/v1 Istio CRD; expected the Sail operator's istios CRD`);
    const values = (sail.schema.properties as Record<string, Schema>).spec.properties as Record<string, Schema>;
    const schema = structuredClone(values.values);
    const properties = schema.properties as Record<string, unknown>;
    const pilot = (properties.pilot as Schema).properties as Record<string, unknown>;
    const chart = (YAML.parse(readShared(FILES.istiodDefaults)) as Schema)._internal_defaults_do_not_set as Schema;
    for (const [key, chartDefault] of Object.entries(chart)) {
        properties[key] ??= pilot[key] ?? typeOfDefault(chartDefault);
    }
    // FACTS.md "Istio: installing it": revisionTags is a list of revision-tag names (DNS-1123 labels).
    if ((properties.revisionTags as Schema).items === undefined)
        properties.revisionTags = { type: "array", items: { type: "string" } };
    return { $id: ISTIOD_VALUES, ...schema };
}

function typeOfDefault(value: unknown): Schema {
    if (Array.isArray(value)) return { type: "array" };
    if (value === null || value === undefined) return {};
    return { type: typeof value === "number" ? "number" : typeof value };
}

function ensureIstiodValues(): void {
    if (ajv().getSchema(ISTIOD_VALUES) === undefined) ajv().addSchema(istiodValuesSchema());
}

/** ASMMeshConfig has no public schema; FACTS.md "Alibaba Cloud": cluster-scoped, named `default`,
 *  `spec.enableNativeSidecar` a boolean. Other spec fields are Alibaba's and left open. */
function asmMeshConfigSchema(): Schema {
    ensureCoreDoc();
    return {
        type: "object",
        required: ["apiVersion", "kind", "metadata", "spec"],
        additionalProperties: false,
        properties: {
            apiVersion: { type: "string" },
            kind: { type: "string" },
            metadata: {
                allOf: [{ $ref: OBJECT_META }, { required: ["name"], properties: { name: { const: "default" } } }],
            },
            spec: {
                type: "object",
                required: ["enableNativeSidecar"],
                properties: { enableNativeSidecar: { type: "boolean" } },
            },
            status: { type: "object" },
        },
    };
}

const kindChecks = new Map<string, KindCheck | undefined>();
function kindCheck(apiVersion: string, kind: string): KindCheck | undefined {
    const key = `${apiVersion}/${kind}`;
    if (kindChecks.has(key)) return kindChecks.get(key);
    const check = buildKindCheck(apiVersion, kind);
    kindChecks.set(key, check);
    return check;
}

function buildKindCheck(apiVersion: string, kind: string): KindCheck | undefined {
    if (apiVersion === "istio.alibabacloud.com/v1beta1" && kind === "ASMMeshConfig") {
        return { validate: ajv().compile(asmMeshConfigSchema()), clusterScoped: true };
    }
    const k8sFile = K8S_DOCS[apiVersion];
    if (k8sFile !== undefined) {
        const found = k8sKinds(k8sFile, apiVersion).get(kind);
        if (found === undefined) return undefined;
        return {
            validate: ajv().compile({ $ref: `${k8sFile}#/definitions/${found.definition}` }),
            clusterScoped: found.clusterScoped,
        };
    }
    const crdFile = CRD_DOCS[apiVersion];
    const crd = crdFile === undefined ? undefined : crdSchema(crdFile, apiVersion, kind);
    if (crd === undefined) return undefined;
    if (kind === "IstioOperator") {
        // The CRD has no spec schema; its `spec.values` are the istiod chart's values.
        ensureIstiodValues();
        (crd.schema.properties as Schema).spec = { type: "object", properties: { values: { $ref: ISTIOD_VALUES } } };
    }
    return { validate: ajv().compile(crd.schema), clusterScoped: crd.clusterScoped };
}

// ---------------------------------------------------------------------------------------------------------
// Public checks.

export function validateManifest(obj: unknown): SchemaProblem[] {
    if (!isRecord(obj) || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
        return [{ path: "", message: `must be an object with string apiVersion and kind; got ${show(obj)}` }];
    }
    const check = kindCheck(obj.apiVersion, obj.kind);
    if (check === undefined) return [{ path: "", message: `no schema for ${obj.apiVersion}/${obj.kind}` }];
    const problems = runValidator(check.validate, obj);
    const namespace = isRecord(obj.metadata) ? obj.metadata.namespace : undefined;
    if (check.clusterScoped && namespace !== undefined) {
        problems.push({
            path: "metadata.namespace",
            message: `${obj.kind} is cluster-scoped: metadata.namespace must be absent; got ${show(namespace)}`,
        });
    }
    return problems;
}

export function validateIstiodValues(values: unknown): SchemaProblem[] {
    ensureIstiodValues();
    const validate = ajv().getSchema(ISTIOD_VALUES);
    if (validate === undefined) throw new Error(`istiod values schema failed to register from ${FILES.sail}`);
    return runValidator(validate, values);
}

function runValidator(validate: ValidateFunction, data: unknown): SchemaProblem[] {
    if (validate(data)) return [];
    const problems: SchemaProblem[] = [];
    for (const error of validate.errors ?? []) {
        const segments = error.instancePath
            .split("/")
            .slice(1)
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        if (passesThroughUnreadable(data, segments)) continue;
        const problem = describe(error, segments);
        if (!problems.some((p) => p.path === problem.path && p.message === problem.message)) problems.push(problem);
    }
    return problems;
}

/** Errors about a value Pulumi has not resolved (or has encrypted) are "cannot tell", not failures. */
function passesThroughUnreadable(data: unknown, segments: string[]): boolean {
    let node = data;
    for (let i = 0; ; i++) {
        if (node === UNKNOWN_SENTINEL || (isRecord(node) && node[SECRET_SIG_KEY] === SECRET_SIG_VALUE)) return true;
        if (i === segments.length || typeof node !== "object" || node === null) return false;
        node = (node as Record<string, unknown>)[segments[i]];
    }
}

function describe(error: ErrorObject, segments: string[]): SchemaProblem {
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
        case "additionalProperties": {
            const field = String(params.additionalProperty);
            const known = Object.keys((error.parentSchema?.properties as Schema | undefined) ?? {});
            // Up to 2 edits, fewer for short names so that "did you mean" stays a likely typo.
            const near = known.find((k) => editDistance(k, field) <= Math.min(2, Math.floor(field.length / 4)));
            return {
                path: dotted([...segments, field]),
                message: `unknown field${near === undefined ? "" : ` (did you mean "${near}"?)`}`,
            };
        }
        case "required":
            return {
                path: dotted([...segments, String(params.missingProperty)]),
                message: "required field is missing",
            };
        case "type":
            return {
                path: dotted(segments),
                message: `must be ${[params.type].flat().join(" or ")}; got ${show(error.data)}`,
            };
        case "enum":
            return {
                path: dotted(segments),
                message: `must be one of ${(params.allowedValues as unknown[]).map(show).join(", ")}; got ${show(error.data)}`,
            };
        case "const":
            return { path: dotted(segments), message: `must be ${show(params.allowedValue)}; got ${show(error.data)}` };
        default:
            return { path: dotted(segments), message: `${error.message ?? error.keyword}; got ${show(error.data)}` };
    }
}

function dotted(segments: string[]): string {
    let out = "";
    for (const s of segments) {
        if (/^\d+$/.test(s)) out += `[${s}]`;
        else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === "" ? s : `.${s}`;
        else out += `[${JSON.stringify(s)}]`;
    }
    return out;
}

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
