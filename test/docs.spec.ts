/**
 * The documentation a user navigates: a README short enough to read (issue 19: "at most about 200 lines"), that
 * links every page of docs/, and relative links in README.md, CHANGELOG.md and docs/*.md that lead to a file that
 * exists and, with a `#fragment`, to a heading of that file (anchors as GitHub makes them from headings).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const README_MAX_LINES = 220;
/** Longest table cell, in characters: longer explanations belong in the text under the table (issue 19). */
const CELL_MAX_CHARS = 220;

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(text: string): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    let fence: string | undefined;
    text.split("\n").forEach((line, i) => {
        const open = /^\s*(```|~~~)/.exec(line);
        if (open) {
            if (fence === undefined) fence = open[1];
            else if (line.trim().startsWith(fence)) fence = undefined;
            return;
        }
        if (fence === undefined) out.push([i + 1, line]);
    });
    return out;
}

/** GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to hyphens, repeats -1, -2... */
function headingAnchors(text: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    for (const [, line] of proseLines(text)) {
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!heading) continue;
        const base = heading[1]
            .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    return anchors;
}

/** Relative links (`[text](target)`) of a Markdown file: no scheme, inline code spans left out. */
function relativeLinks(text: string): Array<{ line: number; target: string }> {
    const links: Array<{ line: number; target: string }> = [];
    for (const [line, content] of proseLines(text)) {
        const withoutCode = content.replace(/`[^`]*`/g, "");
        for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            const target = m[1];
            if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
            links.push({ line, target });
        }
    }
    return links;
}

/** Every relative link of `file` that leads nowhere, as `file:line: target (why)`. */
function brokenLinks(
    file: string,
    text: string,
    exists: (file: string) => boolean = fs.existsSync,
    read: (file: string) => string = readText,
): string[] {
    const broken: string[] = [];
    for (const { line, target } of relativeLinks(text)) {
        const [pathPart, fragment] = target.split("#", 2) as [string, string | undefined];
        const resolved = pathPart === "" ? file : path.resolve(path.dirname(file), decodeURI(pathPart));
        const where = `${path.relative(ROOT, file)}:${line}: ${target}`;
        if (!exists(resolved)) {
            broken.push(`${where} (no such file)`);
            continue;
        }
        if (fragment !== undefined && resolved.endsWith(".md") && !headingAnchors(read(resolved)).has(fragment))
            broken.push(`${where} (no heading with that anchor)`);
    }
    return broken;
}

function readText(file: string): string {
    return fs.readFileSync(file, "utf8");
}

/** Cells of Markdown table rows longer than `max` characters, as `file:line: column N has L characters`. */
function longCells(file: string, text: string, max: number): string[] {
    const long: string[] = [];
    for (const [line, content] of proseLines(text)) {
        if (!/^\s*\|.*\|\s*$/.test(content)) continue;
        const cells = content
            .trim()
            .slice(1, -1)
            .split(/(?<!\\)\|/);
        cells.forEach((cell, i) => {
            const length = cell.trim().length;
            if (length > max)
                long.push(`${path.relative(ROOT, file)}:${line}: column ${i + 1} has ${length} characters`);
        });
    }
    return long;
}

const docsDir = path.join(ROOT, "docs");
const pages = fs
    .readdirSync(docsDir)
    .filter((name) => name.endsWith(".md"))
    .map((name) => path.join(docsDir, name));
const documents = [path.join(ROOT, "README.md"), path.join(ROOT, "CHANGELOG.md"), ...pages];

describe("the documentation", () => {
    it(`keeps README.md at most ${README_MAX_LINES} lines`, () => {
        const lines = readText(path.join(ROOT, "README.md")).trimEnd().split("\n").length;
        assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
    });

    it("links every page of docs/ from README.md", () => {
        const linked = new Set(
            relativeLinks(readText(path.join(ROOT, "README.md"))).map(
                (l) => path.resolve(ROOT, l.target.split("#")[0]) as string,
            ),
        );
        assert.deepEqual(
            pages.filter((page) => !linked.has(page)).map((page) => path.relative(ROOT, page)),
            [],
        );
    });

    it("has no relative link to a missing file or heading in README.md, CHANGELOG.md or docs/", () => {
        assert.ok(pages.length >= 10, pages.join(" "));
        assert.deepEqual(
            documents.flatMap((file) => brokenLinks(file, readText(file))),
            [],
        );
    });

    it(`keeps every table cell at most ${CELL_MAX_CHARS} characters (longer explanations go under the table)`, () => {
        assert.deepEqual(
            documents.flatMap((file) => longCells(file, readText(file), CELL_MAX_CHARS)),
            [],
        );
    });

    it("finds a broken link, a missing heading and a link hidden in code apart", () => {
        const file = path.join(ROOT, "docs", "PAGE.md");
        const page = [
            "# A page",
            "## Exit codes",
            "## Exit codes",
            "[ok](#exit-codes) [again](#exit-codes-1) [gone](#nothing) [file](OTHER.md) `[code](NONE.md)`",
            "```",
            "[in a block](NONE.md)",
            "```",
            "[web](https://example.com/x.md)",
        ].join("\n");
        const exists = (p: string) => p === file;
        assert.deepEqual(
            brokenLinks(file, page, exists, () => page),
            ["docs/PAGE.md:4: #nothing (no heading with that anchor)", "docs/PAGE.md:4: OTHER.md (no such file)"],
        );
    });

    it("makes anchors as GitHub does: code, punctuation and links dropped, repeats numbered", () => {
        const anchors = headingAnchors(
            [
                "# The end-to-end testbed (`npm run e2e`)",
                "## [0.2.0] - 2026-12-07",
                "## Day 2: `status` and `restart`",
                "## Day 2: `status` and `restart`",
                "## See [the CLI](CLI.md)",
            ].join("\n"),
        );
        assert.deepEqual(
            [...anchors],
            [
                "the-end-to-end-testbed-npm-run-e2e",
                "020---2026-12-07",
                "day-2-status-and-restart",
                "day-2-status-and-restart-1",
                "see-the-cli",
            ],
        );
    });
});
