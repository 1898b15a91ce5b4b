/**
 * Compiles what the package ships, so that `preview` and `audit` start as plain Node and other projects import
 * JavaScript with declaration files:
 *   dist/nativemesh.js  cli/main.ts and what it reaches (audit reaches no Pulumi SDK: it is required lazily);
 *   dist/program.js     index.ts, the Pulumi program the offline engine runs under the mocks;
 *   dist/lib.js         components/index.ts, the library other stacks import (package.json "main");
 *   plugin/index.js     plugin/index.ts, the components Pulumi's plugin host serves to other languages
 *                       (plugin/package.json "main"; `pulumi package add <package>/plugin`);
 *   dist/types/         its declaration files (package.json "types"), free of zod's own types;
 *   policy/dist/index.js the CrossGuard pack as JavaScript (policy/package.json "main"), so that
 *                       `pulumi preview --policy-pack` compiles nothing and `pulumi policy publish` uploads a pack
 *                       that needs no TypeScript; one file with @pulumi/policy inside it (buildPack), so that
 *                       starting the pack does not load the whole Pulumi SDK.
 * The bundles sit one level below the project root, as cli/*.ts do, so `path.resolve(__dirname, "..")` is the
 * root in either form. `node cli/build.js` builds; `npm ci` and `npm pack` run it through the `prepare` script.
 * cli/nativemesh.js rebuilds first only in a development checkout (see isDevelopmentCheckout): an installed
 * copy runs what it ships and never loads esbuild or TypeScript.
 * Plain JavaScript: it must run before anything is compiled.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const TYPES = path.join(DIST, "types");
const ENTRIES = [
    { source: path.join(ROOT, "cli", "main.ts"), out: path.join(DIST, "nativemesh.js") },
    { source: path.join(ROOT, "index.ts"), out: path.join(DIST, "program.js") },
    // The library entry other stacks import: Node cannot load .ts from node_modules, and Pulumi's ts-node
    // leaves node_modules alone.
    { source: path.join(ROOT, "components", "index.ts"), out: path.join(DIST, "lib.js") },
    // Built by buildPack, which bundles @pulumi/policy too.
    { source: path.join(ROOT, "policy", "index.ts"), out: path.join(ROOT, "policy", "dist", "index.js"), pack: true },
    // Class names are the schema's resource names: the subclass and the library class share one, so keep both.
    { source: path.join(ROOT, "plugin", "index.ts"), out: path.join(ROOT, "plugin", "index.js"), keepNames: true },
];
const PACK = ENTRIES.find((entry) => entry.pack === true);
const LIBRARY_TYPES = path.join(TYPES, "components", "index.d.ts");
const SOURCE_DIRS = ["cli", "components", "policy"].map((dir) => path.join(ROOT, dir));

/** Every file a bundle depends on: this script, index.ts and the .ts of the three source folders. */
function sources() {
    const found = [__filename, path.join(ROOT, "index.ts"), path.join(ROOT, "plugin", "index.ts")];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            if (entry.name === "node_modules" || entry.name === "dist") continue;
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".ts")) found.push(full);
        }
    };
    SOURCE_DIRS.forEach(walk);
    return found;
}

const mtime = (file) => {
    try {
        return fs.statSync(file).mtimeMs;
    } catch {
        return -1;
    }
};

/** true when a bundle is missing or older than a source (about 70 stat calls: a millisecond or two). */
function isStale() {
    const built = Math.min(...ENTRIES.map((e) => mtime(e.out)));
    if (built < 0) return true;
    return sources().some((file) => mtime(file) > built);
}

/**
 * A checkout being worked on, where an edit must never run stale: the package is not inside a node_modules
 * folder (an installed copy, from a tarball, a registry or git, always is) and its build tool is at hand.
 */
function isDevelopmentCheckout(root = ROOT) {
    let real = root;
    try {
        real = fs.realpathSync(root);
    } catch {
        // keep the path as given
    }
    if (real.split(path.sep).includes("node_modules")) return false;
    try {
        require.resolve("esbuild", { paths: [root] });
        return true;
    } catch {
        return false;
    }
}

function buildBundles() {
    // A devDependency, loaded only here: never on the run path of an installed copy or a fresh bundle.
    const esbuild = require("esbuild");
    for (const { source, out, keepNames } of ENTRIES) {
        if (out === PACK.out) continue;
        esbuild.buildSync({
            entryPoints: [source],
            outfile: out,
            bundle: true,
            platform: "node",
            format: "cjs",
            // package.json "engines": node >= 20.
            target: "node20",
            packages: "external",
            sourcemap: true,
            keepNames: keepNames === true,
            logLevel: "warning",
        });
    }
    // esbuild runs resolver plugins only in its asynchronous API; this function stays synchronous for
    // cli/nativemesh.js, so the pack is built by a child process.
    require("node:child_process").execFileSync(process.execPath, [__filename, "--pack"], { stdio: "inherit" });
}

/**
 * What @pulumi/policy takes from the Pulumi SDK's index, read from the SDK's own modules. deserialize.js requires
 * the whole index for these two names; the index also loads the automation API and closure serialization, which
 * made up 0.35-0.45 s of the pack's start (docs/BENCHMARKS.md). buildPack checks that no other name is read.
 */
const SDK_INDEX_NAMES = ["asset", "Output"];
const SDK_INDEX = [
    "// The names @pulumi/policy reads from @pulumi/pulumi's index (cli/build.js SDK_INDEX_NAMES).",
    'exports.asset = require("@pulumi/pulumi/asset");',
    'exports.Output = require("@pulumi/pulumi/output").Output;',
    "",
].join("\n");

/** Fails the build when a file that requires the SDK's index reads a name SDK_INDEX does not provide. */
function checkSdkIndexNames(importers) {
    for (const file of importers) {
        const text = fs.readFileSync(file, "utf8");
        const binding = /(?:const|var|let)\s+([\w$]+)\s*=\s*require\("@pulumi\/pulumi"\)/.exec(text);
        if (binding === null) throw new Error(`${file}: requires @pulumi/pulumi in a form cli/build.js cannot check`);
        const used = new Set(
            [...text.matchAll(new RegExp(`\\b${binding[1].replace(/\$/g, "\\$")}\\.([\\w$]+)`, "g"))].map((m) => m[1]),
        );
        const missing = [...used].filter((name) => !SDK_INDEX_NAMES.includes(name));
        if (missing.length > 0) {
            throw new Error(
                `${file} reads ${missing.join(", ")} from @pulumi/pulumi: add them to SDK_INDEX in cli/build.js`,
            );
        }
    }
}

/**
 * The CrossGuard pack as one file: our rules and @pulumi/policy, whose require of the SDK's index is answered by
 * SDK_INDEX. Every other package stays in node_modules (policy/package.json "dependencies"): the Pulumi SDK above
 * all, because run-policy-pack, which starts the pack, has already loaded the gRPC library, the protobuf messages
 * and Output from there, and a second copy would fail the SDK's instanceof checks.
 */
async function buildPack() {
    const esbuild = require("esbuild");
    const policyIndex = require.resolve("@pulumi/policy", { paths: [ROOT] });
    const policyVersion = JSON.parse(
        fs.readFileSync(path.join(path.dirname(policyIndex), "package.json"), "utf8"),
    ).version.replace(/^v/, "");
    const importers = new Set();
    await esbuild.build({
        entryPoints: [PACK.source],
        outfile: PACK.out,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        packages: "external",
        sourcemap: true,
        logLevel: "warning",
        banner: {
            js: `/*! Includes @pulumi/policy ${policyVersion} (https://github.com/pulumi/pulumi-policy), Copyright Pulumi Corporation, Apache License 2.0. */`,
        },
        plugins: [
            {
                name: "nativemesh-pack",
                setup(build) {
                    build.onResolve({ filter: /^@pulumi\/policy$/ }, () => ({ path: policyIndex }));
                    build.onResolve({ filter: /^@pulumi\/pulumi$/ }, (args) => {
                        if (!args.importer.startsWith(path.dirname(policyIndex) + path.sep)) return undefined;
                        importers.add(args.importer);
                        return { path: "@pulumi/pulumi", namespace: "sdk-index" };
                    });
                    build.onLoad({ filter: /.*/, namespace: "sdk-index" }, () => ({
                        contents: SDK_INDEX,
                        loader: "js",
                        resolveDir: ROOT,
                    }));
                },
            },
        ],
    });
    checkSdkIndexNames(importers);
}

/** The names of a declaration file's statements that depend on zod, directly or through one another. */
function zodDependents(ts, sourceFile) {
    const named = sourceFile.statements.filter((s) => s.name !== undefined || s.declarationList !== undefined);
    const nameOf = (s) => s.name?.text ?? s.declarationList.declarations.map((d) => d.name.getText()).join(",");
    const found = new Set();
    const dropped = new Set();
    for (let grew = true; grew;) {
        grew = false;
        for (const statement of named) {
            const name = nameOf(statement);
            if (found.has(name)) continue;
            const exportedType =
                (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) &&
                statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
            const text = statement.getText();
            const words = new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
            if (/\bz\./.test(text) || [...dropped].some((n) => n.split(",").some((part) => words.has(part)))) {
                found.add(name);
                // An exported type is written out in full (buildTypes), so what names it does not depend on zod.
                if (!exportedType) dropped.add(name);
                grew = true;
            }
        }
    }
    return found;
}

const dependentsCache = new WeakMap();
function namesZod(ts, sourceFile, statement) {
    if (!dependentsCache.has(sourceFile)) dependentsCache.set(sourceFile, zodDependents(ts, sourceFile));
    const name = statement.name?.text ?? statement.declarationList?.declarations.map((d) => d.name.getText()).join(",");
    return name !== undefined && dependentsCache.get(sourceFile).has(name);
}

/**
 * Declaration files of components/index.ts under dist/types. The config types are inferred from zod schemas;
 * declared as they are, they would make every consumer type-check zod's own declarations, which fail without
 * esModuleInterop (zod/v4/locales). So each exported type whose declaration names zod is written out as the
 * plain object type it stands for, and declarations only zod needs are left out. The build fails if a
 * declaration file still names zod.
 */
function buildTypes() {
    const ts = require("typescript");
    const entry = path.join(ROOT, "components", "index.ts");
    const options = {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        declaration: true,
        emitDeclarationOnly: true,
        stripInternal: true,
        // The components import the pure facts from the policy pack (policy/facts), so the root is the project's.
        rootDir: ROOT,
        outDir: TYPES,
        types: ["node"],
    };
    // A probe module expands each zod-derived type into a plain object type (Expand below).
    const probe = path.join(ROOT, "__nativemesh_types_probe.ts");
    const host = ts.createCompilerHost(options);
    let probeText = "";
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (file) => (path.resolve(file) === probe ? probeText : readFile(file));
    host.fileExists = (file) => path.resolve(file) === probe || fileExists(file);

    // Pass 1: the plain declaration files, in memory.
    const first = ts.createProgram([entry], options, host);
    const emitted = new Map();
    const result = first.emit(undefined, (file, text) => emitted.set(path.resolve(file), text), undefined, true);
    const errors = ts
        .getPreEmitDiagnostics(first)
        .concat(result.diagnostics)
        .filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, host));

    // Pass 2: the exported types that name zod, expanded through the probe.
    const zodFiles = [...emitted].filter(([, text]) => /from "zod"/.test(text));
    const wanted = [];
    for (const [file, text] of zodFiles) {
        const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
        const module = path.relative(TYPES, file).replace(/\.d\.ts$/, "");
        for (const statement of sourceFile.statements) {
            const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
            const isType = ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement);
            if (exported && isType && namesZod(ts, sourceFile, statement)) {
                wanted.push({ file, module, name: statement.name.text });
            }
        }
    }
    const modules = [...new Set(wanted.map((w) => w.module))];
    probeText = [
        ...modules.map((m, i) => `import type * as m${i} from "./${m}";`),
        // Functions and classes stay as they are; arrays and objects are rewritten member by member.
        "type Expand<T> = T extends (...args: never[]) => unknown ? T : T extends readonly (infer E)[] ? Expand<E>[] :",
        "    T extends object ? { [K in keyof T]: Expand<T[K]> } : T;",
        ...wanted.map((w, i) => `export type P${i} = Expand<m${modules.indexOf(w.module)}.${w.name}>;`),
        "",
    ].join("\n");
    const second = ts.createProgram([entry, probe], options, host, first);
    const probeErrors = second.getSemanticDiagnostics(second.getSourceFile(probe));
    if (probeErrors.length > 0) throw new Error(ts.formatDiagnostics(probeErrors, host));
    const checker = second.getTypeChecker();
    const probeSymbol = checker.getSymbolAtLocation(second.getSourceFile(probe));
    const expanded = new Map();
    const flags =
        ts.NodeBuilderFlags.NoTruncation |
        ts.NodeBuilderFlags.InTypeAlias |
        ts.NodeBuilderFlags.MultilineObjectLiterals;
    const printer = ts.createPrinter({ removeComments: true });
    const scratch = ts.createSourceFile("types.d.ts", "", ts.ScriptTarget.ES2022);
    for (const symbol of checker.getExportsOfModule(probeSymbol)) {
        const w = wanted[Number(symbol.name.slice(1))];
        const node = checker.typeToTypeNode(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags);
        expanded.set(`${w.file}#${w.name}`, printer.printNode(ts.EmitHint.Unspecified, node, scratch));
    }

    // Pass 3: rewrite the files that named zod.
    for (const [file, text] of zodFiles) {
        const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
        const kept = [];
        for (const statement of sourceFile.statements) {
            const jsDoc = statement
                .getFullText()
                .slice(0, statement.getStart() - statement.getFullStart())
                .trim();
            const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
            if (ts.isImportDeclaration(statement) && statement.moduleSpecifier.getText() === '"zod"') continue;
            if (!namesZod(ts, sourceFile, statement)) {
                kept.push(statement.getFullText().replace(/^\n+/, ""));
                continue;
            }
            const plain = expanded.get(`${file}#${statement.name?.text}`);
            if (exported && plain !== undefined) {
                const params = statement.typeParameters
                    ? `<${statement.typeParameters.map((p) => p.getText()).join(", ")}>`
                    : "";
                kept.push(`${jsDoc ? `${jsDoc}\n` : ""}export type ${statement.name.text}${params} = ${plain};`);
            }
            // Anything else naming zod (the schemas themselves, helper aliases) is internal: left out.
        }
        const out = kept.join("\n") + "\n";
        if (/\bz\.|"zod"/.test(out)) throw new Error(`${file}: a declaration still names zod`);
        emitted.set(file, out);
    }
    fs.rmSync(TYPES, { recursive: true, force: true });
    for (const [file, text] of emitted) {
        if (!file.startsWith(TYPES + path.sep)) continue;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    }
}

function build() {
    buildBundles();
    buildTypes();
}

/** In a development checkout, rebuilds the bundles when a source is newer; elsewhere does nothing. */
function ensureBuilt() {
    if (isDevelopmentCheckout() && isStale()) buildBundles();
}

module.exports = {
    build,
    buildBundles,
    buildTypes,
    ensureBuilt,
    isStale,
    isDevelopmentCheckout,
    DIST,
    ENTRIES,
    LIBRARY_TYPES,
};

if (require.main === module) {
    const only = process.argv[2];
    if (only === "--bundles") buildBundles();
    else if (only === "--pack")
        buildPack().catch((err) => {
            process.stderr.write(`${err.stack ?? err}\n`);
            process.exitCode = 1;
        });
    else if (only === "--types") buildTypes();
    else build();
}
