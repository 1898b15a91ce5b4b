import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
    absoluteShellPath,
    asmcliInstallScript,
    AsmcliScriptOptions,
    AsmTarget,
    isKubeconfigContents,
    renderAsmOverlay,
    shellQuote,
} from "../../../components/render/asmOverlay";
import { tempDir } from "../../support/tempDir";

/** The asmcli run the script tests share; each test changes only what it is about. */
const scriptOptions = (asmcli: string, over: Partial<AsmcliScriptOptions> = {}): AsmcliScriptOptions => ({
    asmcli,
    version: "1.19.10-asm.26",
    revision: "asm-11910-26",
    revisionTags: [],
    ca: "mesh_ca",
    outputDir: "asm-out",
    enableAll: true,
    options: [],
    target: { kind: "gke", project: "p", clusterName: "c", location: "l" },
    ...over,
});

const RELEASE = "1.27.2-asm.1";

/**
 * A stand-in asmcli: reports RELEASE, and on install records what it was given (arguments, the overlay's and the
 * kubeconfig's contents and modes), then unpacks an istioctl for RELEASE (and one of an older release, as an
 * upgrade leaves it) in its output directory, as asmcli does.
 */
function fakeAsmcli(dir: string): string {
    const file = path.join(dir, "asmcli");
    fs.writeFileSync(
        file,
        [
            "#!/bin/sh",
            `if [ "$1" = --version ]; then echo ${RELEASE}+config1; exit 0; fi`,
            `echo "$@" > "${dir}/args"`,
            "shift; out=; overlay=; kc=",
            'while [ $# -gt 0 ]; do case "$1" in --output_dir) out=$2; shift;; --custom_overlay) overlay=$2; shift;; --kubeconfig) kc=$2; shift;; esac; shift; done',
            `cp "$overlay" "${dir}/overlay-seen"; ls -ld "$overlay" | cut -c1-10 > "${dir}/overlay-mode"`,
            `ls -ld "$(dirname "$overlay")" | cut -c1-10 > "${dir}/work-mode"`,
            `if [ -n "$kc" ]; then cp "$kc" "${dir}/kubeconfig-seen"; ls -ld "$kc" | cut -c1-10 > "${dir}/kubeconfig-mode"; fi`,
            'cd "$out"',
            `for v in 1.26.4-asm.7 ${RELEASE}; do mkdir -p istio-$v/bin; printf '#!/bin/sh\\necho %s "$@" >> "${dir}/tags"\\n' $v > istio-$v/bin/istioctl; chmod +x istio-$v/bin/istioctl; done`,
        ].join("\n"),
        { mode: 0o755 },
    );
    return file;
}

function options(dir: string, over: Partial<AsmcliScriptOptions> = {}): AsmcliScriptOptions {
    return {
        asmcli: fakeAsmcli(dir),
        version: RELEASE,
        revision: "asm-1272-1",
        revisionTags: ["prod-stable"],
        ca: "mesh_ca",
        outputDir: path.join(dir, "out"),
        enableAll: true,
        options: [],
        target: { kind: "gke", project: "p", clusterName: "c", location: "l" },
        ...over,
    };
}

function run(dir: string, script: string, input?: string) {
    return spawnSync("sh", ["-c", script], {
        cwd: dir,
        encoding: "utf8",
        input,
        env: { ...process.env, TMPDIR: dir, NATIVEMESH_OVERLAY: "kind: IstioOperator" },
    });
}

/** What the script leaves in TMPDIR (the scratch dir): nothing of its own once it ends. */
const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith("nativemesh-asmcli"));

describe("asmcli overlay and script", () => {
    it('renders the corrected overlay: IstioOperator, spec.values.pilot.env, the string "true"', () => {
        assert.deepEqual(parse(renderAsmOverlay("1.19.10-asm.26", true)), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: { values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
        });
    });

    it("renders no env for an istiod that does not read it (before 1.19): an empty spec", () => {
        assert.deepEqual(parse(renderAsmOverlay("1.18.3-asm.5", true)), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: {},
        });
    });

    const kubeconfigs: Array<[string, string, boolean]> = [
        ["one line of YAML", "apiVersion: v1", true],
        ["one line of YAML with a space before the colon", "kind : Config", true],
        ["one line of JSON after white space", '  {"apiVersion":"v1"}', true],
        ["YAML after white space", "  clusters: []", true],
        ["a path whose last segment starts with kind:", "configs/kind:prod", false],
        ["a path", "/etc/kube/config", false],
    ];
    for (const [name, given, contents] of kubeconfigs) {
        it(`takes ${name} (${JSON.stringify(given)}) for ${contents ? "contents" : "a path"}`, () =>
            assert.equal(isKubeconfigContents(given), contents));
    }

    const paths: Array<[string, string]> = [
        ["~", '"$HOME"'],
        ["~/kube config", `"$HOME"/'kube config'`],
        ["/etc/kube", "/etc/kube"],
        ["kube/config", '"$PWD"/kube/config'],
    ];
    for (const [given, expected] of paths) {
        it(`writes the path ${JSON.stringify(given)} for sh as ${expected}`, () =>
            assert.equal(absoluteShellPath(given), expected));
    }

    const quoting: Array<[string, string]> = [
        ["asm-out", "asm-out"],
        ["/home/me/kube config", "'/home/me/kube config'"],
        ["it's", "'it'\\''s'"],
        ["$(rm -rf /)", "'$(rm -rf /)'"],
    ];
    for (const [word, quoted] of quoting) {
        it(`quotes ${JSON.stringify(word)} for sh`, () => {
            assert.equal(shellQuote(word), quoted);
            const echoed = spawnSync("sh", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" }).stdout;
            assert.equal(echoed, word);
        });
    }

    it("refuses an asmcli of another release before installing anything, and installs with the right one", () => {
        const dir = tempDir("asmcli");
        const asmcli = path.join(dir, "asmcli");
        // A stand-in asmcli: reports $FAKE_RELEASE and records each install with its arguments.
        fs.writeFileSync(
            asmcli,
            `#!/bin/sh\ncase "$1" in --version) echo "$FAKE_RELEASE+config1";; install) echo "$@" >> "${dir}/installs";; esac\n`,
            { mode: 0o755 },
        );
        const script = asmcliInstallScript(scriptOptions(asmcli, { outputDir: path.join(dir, "out") }));
        const run = (release: string) =>
            spawnSync("sh", ["-c", script], {
                encoding: "utf8",
                env: { ...process.env, FAKE_RELEASE: release, NATIVEMESH_OVERLAY: "kind: IstioOperator" },
            });
        for (const other of ["1.20.0-asm.1", "1.19.10-asm.261+config1", ""]) {
            const wrong = run(other);
            assert.notEqual(wrong.status, 0, other);
            assert.match(wrong.stderr, /not 1\.19\.10-asm\.26/);
        }
        assert.equal(fs.existsSync(path.join(dir, "installs")), false, "nothing installed");
        const right = run("1.19.10-asm.26+config1");
        assert.equal(right.status, 0, right.stderr);
        assert.match(
            fs.readFileSync(path.join(dir, "installs"), "utf8"),
            /--custom_overlay \S+\/overlay\.yaml .*--revision_name asm-11910-26/,
        );
    });
});

describe("asmcli script: paths stay right after asmcli changes directory", () => {
    /**
     * A stand-in asmcli that behaves as the real one does with paths: it reads --kubeconfig and --output_dir,
     * changes into the output directory, and only then opens the kubeconfig (asmcli keeps it as given).
     */
    const fakeAsmcli = (dir: string) => {
        const file = path.join(dir, "asmcli");
        fs.writeFileSync(
            file,
            [
                "#!/bin/sh",
                'if [ "$1" = --version ]; then echo 1.19.10-asm.26; exit 0; fi',
                "shift; kc=; out=",
                'while [ $# -gt 0 ]; do case "$1" in --kubeconfig) kc=$2; shift;; --output_dir) out=$2; shift;; esac; shift; done',
                'cd "$out" || exit 3',
                '[ -z "$kc" ] || [ -f "$kc" ] || { echo "no kubeconfig at $kc" >&2; exit 4; }',
                "mkdir -p istio-1.19.10-asm.26/bin",
                `printf '#!/bin/sh\\necho "$@" >> "${dir}/tags"\\n' > istio-1.19.10-asm.26/bin/istioctl; chmod +x istio-1.19.10-asm.26/bin/istioctl`,
            ].join("\n"),
            { mode: 0o755 },
        );
        return file;
    };
    const options = (dir: string, target: AsmTarget) =>
        scriptOptions(fakeAsmcli(dir), { revisionTags: ["prod-stable"], target });
    const run = (dir: string, script: string) =>
        spawnSync("sh", ["-c", script], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, HOME: dir, NATIVEMESH_OVERLAY: "kind: IstioOperator" },
        });

    const paths: Array<[string, string]> = [
        ["a relative path", "kube/config"],
        ["a path under ~", "~/kube/config"],
    ];
    for (const [name, given] of paths) {
        it(`finds a kubeconfig given as ${name}, and tags on the same cluster and context`, () => {
            const dir = tempDir("asmcli");
            fs.mkdirSync(path.join(dir, "kube"));
            fs.writeFileSync(path.join(dir, "kube", "config"), "kind: Config\n");
            const script = asmcliInstallScript(
                options(dir, { kind: "kubeconfig", kubeconfig: given, context: "prod" }),
            );
            const result = run(dir, script);
            assert.equal(result.status, 0, result.stderr);
            assert.equal(
                fs.readFileSync(path.join(dir, "tags"), "utf8").trim(),
                `tag set prod-stable --revision asm-11910-26 --overwrite --kubeconfig ${path.join(dir, "kube", "config")} --context prod`,
            );
        });
    }

    it("tags a GKE install through the kubeconfig asmcli writes in its output directory", () => {
        const dir = tempDir("asmcli");
        const script = asmcliInstallScript(
            options(dir, { kind: "gke", project: "p", clusterName: "c", location: "l" }),
        );
        const result = run(dir, script);
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            fs.readFileSync(path.join(dir, "tags"), "utf8"),
            new RegExp(`--kubeconfig ${path.join(dir, "asm-out", "asm_kubeconfig")}$`, "m"),
        );
    });
});

describe("asmcli script: its own files", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-asmcli-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("hands asmcli the overlay in a private folder (0700, file 0600) and removes it when done", () => {
        const result = run(dir, asmcliInstallScript(options(dir)));
        assert.equal(result.status, 0, result.stderr);
        assert.equal(fs.readFileSync(path.join(dir, "overlay-seen"), "utf8"), "kind: IstioOperator\n");
        assert.equal(fs.readFileSync(path.join(dir, "overlay-mode"), "utf8").trim(), "-rw-------");
        assert.equal(fs.readFileSync(path.join(dir, "work-mode"), "utf8").trim(), "drwx------");
        assert.deepEqual(leftovers(dir), []);
        assert.deepEqual(fs.readdirSync(path.join(dir, "out")).sort(), ["istio-1.26.4-asm.7", `istio-${RELEASE}`]);
    });

    it("removes its files when asmcli fails too", () => {
        const failing = options(dir);
        fs.appendFileSync(failing.asmcli, "\nexit 7\n");
        const result = run(dir, asmcliInstallScript(failing));
        assert.equal(result.status, 7);
        assert.deepEqual(leftovers(dir), []);
    });

    it("never writes through a file or link planted where earlier versions wrote", () => {
        const victim = path.join(dir, "victim");
        fs.writeFileSync(victim, "untouched\n");
        fs.mkdirSync(path.join(dir, "out"));
        for (const name of ["nativemesh-overlay.yaml", "nativemesh-kubeconfig", "overlay.yaml", "kubeconfig"]) {
            fs.symlinkSync(victim, path.join(dir, "out", name));
        }
        const o = options(dir, { target: { kind: "kubeconfig", kubeconfig: "apiVersion: v1\nkind: Config\n" } });
        const result = run(dir, asmcliInstallScript({ ...o, fleetId: "fleet" }), "apiVersion: v1\nkind: Config\n");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(fs.readFileSync(victim, "utf8"), "untouched\n");
    });

    it("tags with the istioctl of this release by its exact path, though an older one sits beside it", () => {
        const result = run(dir, asmcliInstallScript(options(dir)));
        assert.equal(result.status, 0, result.stderr);
        const tags = fs.readFileSync(path.join(dir, "tags"), "utf8").trim().split("\n");
        assert.deepEqual(tags, [
            `${RELEASE} tag set prod-stable --revision asm-1272-1 --overwrite --kubeconfig ${path.join(dir, "out", "asm_kubeconfig")}`,
        ]);
    });
});

describe("asmcli script: a kubeconfig given by its contents", () => {
    const yaml = "apiVersion: v1\nkind: Config\nclusters: []\n";
    const json = JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [] });
    const cases: Array<[string, string]> = [
        ["YAML over several lines", yaml],
        ["JSON on a single line", json],
    ];
    for (const [name, contents] of cases) {
        it(`${name}: read from stdin into a 0600 file asmcli gets by path, removed after; never in the script`, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-asmcli-"));
            try {
                assert.equal(isKubeconfigContents(contents), true);
                const script = asmcliInstallScript(
                    options(dir, {
                        fleetId: "fleet-project",
                        target: { kind: "kubeconfig", kubeconfig: contents, context: "prod" },
                    }),
                );
                assert.ok(!script.includes("Config"), "the contents stay out of the script");
                const result = run(dir, script, contents);
                assert.equal(result.status, 0, result.stderr);
                assert.equal(fs.readFileSync(path.join(dir, "kubeconfig-seen"), "utf8"), contents);
                assert.equal(fs.readFileSync(path.join(dir, "kubeconfig-mode"), "utf8").trim(), "-rw-------");
                assert.match(
                    fs.readFileSync(path.join(dir, "args"), "utf8"),
                    /--kubeconfig \S+\/kubeconfig --context prod/,
                );
                assert.deepEqual(leftovers(dir), []);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    const paths = ["~/.kube/config", "kube/config", "/etc/kube config", "C:\\kube\\config", "config.json"];
    for (const given of paths) {
        it(`takes ${JSON.stringify(given)} for a path`, () => assert.equal(isKubeconfigContents(given), false));
    }
});

describe("asmcli script: what asmcli is given", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-asmcli-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The arguments the stand-in asmcli recorded, with the scratch paths named. */
    const argsOf = (o: AsmcliScriptOptions): string => {
        const result = run(dir, asmcliInstallScript(o), "apiVersion: v1\nkind: Config\n");
        assert.equal(result.status, 0, result.stderr);
        return fs
            .readFileSync(path.join(dir, "args"), "utf8")
            .trim()
            .replaceAll(path.join(dir, "out"), "OUT")
            .replace(/\S+\/nativemesh-asmcli\.\w+\//g, "WORK/");
    };

    const cases: Array<[string, Partial<AsmcliScriptOptions>, string]> = [
        [
            "GKE with --enable_all",
            {},
            "install --project_id p --cluster_name c --cluster_location l --ca mesh_ca --output_dir OUT " +
                "--custom_overlay WORK/overlay.yaml --revision_name asm-1272-1 --enable_all",
        ],
        [
            "without enable_all: only cluster roles and labels, which asmcli cannot do without",
            { enableAll: false, ca: "citadel" },
            "install --project_id p --cluster_name c --cluster_location l --ca citadel --output_dir OUT " +
                "--custom_overlay WORK/overlay.yaml --revision_name asm-1272-1 --enable_cluster_roles --enable_cluster_labels",
        ],
        [
            "a kubeconfig file under ~ without a context",
            { target: { kind: "kubeconfig", kubeconfig: "~/kube/config" } },
            `install --kubeconfig ${process.env.HOME}/kube/config --ca mesh_ca --output_dir OUT ` +
                "--custom_overlay WORK/overlay.yaml --revision_name asm-1272-1 --enable_all",
        ],
        [
            "a kubeconfig file with a context, the fleet id and packaged options",
            {
                target: { kind: "kubeconfig", kubeconfig: "/etc/kube/config", context: "prod" },
                fleetId: "fleet-host",
                options: ["legacy-default-ingressgateway"],
            },
            "install --kubeconfig /etc/kube/config --context prod --fleet_id fleet-host --ca mesh_ca --output_dir OUT " +
                "--custom_overlay WORK/overlay.yaml --revision_name asm-1272-1 --enable_all --option legacy-default-ingressgateway",
        ],
    ];
    for (const [name, over, expected] of cases) {
        it(`${name}: exactly these arguments`, () => assert.equal(argsOf(options(dir, over)), expected));
    }

    it("stops at the first failing command (set -eu): an asmcli failure sets no tag and keeps asmcli's status", () => {
        const failing = options(dir);
        // Fails after unpacking istioctl, so a script that carried on would set the tag and end with status 0.
        fs.appendFileSync(failing.asmcli, "\nexit 7\n");
        const result = run(dir, asmcliInstallScript(failing));
        assert.equal(result.status, 7, result.stderr);
        assert.equal(fs.existsSync(path.join(dir, "tags")), false, "a tag was set after asmcli failed");
    });

    it("removes its files when stopped by a signal (SIGTERM) while asmcli runs", () => {
        const stopped = options(dir);
        // The stand-in asmcli signals the script that runs it, as a CI runner or Ctrl-C would.
        fs.appendFileSync(stopped.asmcli, '\nkill -TERM "$PPID"\n');
        const result = run(dir, asmcliInstallScript(stopped));
        assert.equal(result.status, 1, result.stderr);
        assert.deepEqual(leftovers(dir), []);
    });

    it("refuses an asmcli of another release before installing anything", () => {
        const result = run(dir, asmcliInstallScript(options(dir, { version: "1.27.2-asm.10" })));
        assert.equal(result.status, 1);
        assert.match(result.stderr, /nativemesh: asmcli is '1\.27\.2-asm\.1\+config1', not 1\.27\.2-asm\.10/);
        assert.equal(fs.existsSync(path.join(dir, "args")), false, "asmcli install ran");
    });

    it("fails on an unset variable (set -u) instead of installing with an empty overlay", () => {
        const result = spawnSync("sh", ["-c", asmcliInstallScript(options(dir))], {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: process.env.PATH, TMPDIR: dir },
        });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /NATIVEMESH_OVERLAY/);
        assert.equal(fs.existsSync(path.join(dir, "args")), false, "asmcli install ran");
    });
});
