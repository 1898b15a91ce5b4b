// The commands of a shell text (XCU 2.9 Shell Commands): simple commands with their assignments and
// redirections, pipelines, `&&`/`||` lists, `( )` subshells, `{ }` groups, if/while/until/for/case and function
// definitions. Enough of the grammar to follow what a script runs and writes; shell.ts runs the result.

import { isRedirection, lex, ShellSyntaxError, type HereDoc, type Segment, type Token } from "./shell-lex";

export type Word = Segment[];

export interface Redirect {
    op: string;
    fd?: number;
    target: Word;
    hereDoc?: HereDoc;
}

export type Node =
    | { kind: "simple"; assignments: Array<{ name: string; value: Word }>; words: Word[]; redirects: Redirect[] }
    | { kind: "subshell"; body: Node[]; redirects: Redirect[] }
    | { kind: "group"; body: Node[]; redirects: Redirect[] }
    /** if/while/until/for/case and function bodies: parts that may run, or not, or many times. */
    | { kind: "branches"; tested: Word[]; bodies: Node[][]; loopVariable?: string; redirects: Redirect[] }
    | { kind: "pipeline"; commands: Node[] }
    | { kind: "and-or"; first: Node; rest: Array<{ op: "&&" | "||"; node: Node }> };

const RESERVED_ENDS = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}", "in"]);

function literal(word: Word): string | undefined {
    if (word.length !== 1 || word[0].kind !== "text" || word[0].quoted) return undefined;
    return word[0].text;
}

class Parser {
    private position = 0;
    constructor(private readonly tokens: Token[]) {}

    atEnd(): boolean {
        return this.position >= this.tokens.length;
    }
    private peek(): Token | undefined {
        return this.tokens[this.position];
    }
    private peekWord(): string | undefined {
        const token = this.peek();
        return token?.kind === "word" ? literal(token.segments) : undefined;
    }
    private isOp(op: string): boolean {
        const token = this.peek();
        return token?.kind === "op" && token.op === op;
    }
    private skipNewlines(): void {
        while (this.peek()?.kind === "newline") this.position++;
    }
    private expectWord(word: string): void {
        this.skipNewlines();
        if (this.peekWord() !== word) throw new ShellSyntaxError(`expected \`${word}\``);
        this.position++;
    }

    /** Commands up to the end, or up to a reserved word in `stops` (not consumed). */
    list(stops: Set<string>): Node[] {
        const nodes: Node[] = [];
        for (;;) {
            this.skipNewlines();
            const token = this.peek();
            if (token === undefined) return nodes;
            if (
                token.kind === "op" &&
                (token.op === ")" || token.op === ";;" || token.op === ";&" || token.op === ";;&")
            )
                return nodes;
            const word = this.peekWord();
            if (word !== undefined && stops.has(word)) return nodes;
            if (token.kind === "op" && (token.op === ";" || token.op === "&")) {
                this.position++;
                continue;
            }
            nodes.push(this.andOr(stops));
        }
    }

    private andOr(stops: Set<string>): Node {
        const first = this.pipeline(stops);
        const rest: Array<{ op: "&&" | "||"; node: Node }> = [];
        while (this.isOp("&&") || this.isOp("||")) {
            const op = (this.peek() as { op: "&&" | "||" }).op;
            this.position++;
            this.skipNewlines();
            rest.push({ op, node: this.pipeline(stops) });
        }
        return rest.length === 0 ? first : { kind: "and-or", first, rest };
    }

    private pipeline(stops: Set<string>): Node {
        if (this.peekWord() === "!") this.position++;
        const commands = [this.command(stops)];
        while (this.isOp("|")) {
            this.position++;
            this.skipNewlines();
            commands.push(this.command(stops));
        }
        return commands.length === 1 ? commands[0] : { kind: "pipeline", commands };
    }

    private redirects(): Redirect[] {
        const found: Redirect[] = [];
        for (;;) {
            const token = this.peek();
            if (token?.kind !== "op" || !isRedirection(token.op)) return found;
            this.position++;
            const target = this.peek();
            if (target?.kind !== "word") throw new ShellSyntaxError(`a redirection \`${token.op}\` without a target`);
            this.position++;
            found.push({ op: token.op, fd: token.fd, target: target.segments, hereDoc: token.hereDoc });
        }
    }

    private command(stops: Set<string>): Node {
        const word = this.peekWord();
        if (this.isOp("(")) {
            this.position++;
            const body = this.list(new Set());
            if (!this.isOp(")")) throw new ShellSyntaxError("an unclosed `(`");
            this.position++;
            return { kind: "subshell", body, redirects: this.redirects() };
        }
        switch (word) {
            case "{": {
                this.position++;
                const body = this.list(new Set(["}"]));
                this.expectWord("}");
                return { kind: "group", body, redirects: this.redirects() };
            }
            case "if":
                return this.ifClause();
            case "while":
            case "until": {
                this.position++;
                const condition = this.list(new Set(["do"]));
                this.expectWord("do");
                const body = this.list(new Set(["done"]));
                this.expectWord("done");
                return { kind: "branches", tested: [], bodies: [condition, body], redirects: this.redirects() };
            }
            case "for":
                return this.forClause();
            case "case":
                return this.caseClause();
            case "function": {
                this.position++;
                this.position++; // the name
                if (this.isOp("(")) this.position += 2;
                this.skipNewlines();
                return { kind: "branches", tested: [], bodies: [[this.command(stops)]], redirects: [] };
            }
        }
        if (word !== undefined && RESERVED_ENDS.has(word) && !stops.has(word)) {
            throw new ShellSyntaxError(`\`${word}\` where a command was expected`);
        }
        return this.simple();
    }

    private ifClause(): Node {
        this.position++;
        const bodies: Node[][] = [];
        bodies.push(this.list(new Set(["then"])));
        this.expectWord("then");
        bodies.push(this.list(new Set(["elif", "else", "fi"])));
        for (;;) {
            this.skipNewlines();
            const word = this.peekWord();
            this.position++;
            if (word === "fi") break;
            if (word === "elif") {
                bodies.push(this.list(new Set(["then"])));
                this.expectWord("then");
                bodies.push(this.list(new Set(["elif", "else", "fi"])));
            } else if (word === "else") {
                bodies.push(this.list(new Set(["fi"])));
            } else throw new ShellSyntaxError("an unclosed `if`");
        }
        return { kind: "branches", tested: [], bodies, redirects: this.redirects() };
    }

    private forClause(): Node {
        this.position++;
        const name = this.peek();
        const loopVariable = name?.kind === "word" ? literal(name.segments) : undefined;
        this.position++;
        const tested: Word[] = [];
        this.skipNewlines();
        if (this.peekWord() === "in") {
            this.position++;
            for (let token = this.peek(); token?.kind === "word"; token = this.peek()) {
                tested.push(token.segments);
                this.position++;
            }
        }
        if (this.isOp(";")) this.position++;
        this.expectWord("do");
        const body = this.list(new Set(["done"]));
        this.expectWord("done");
        return { kind: "branches", tested, bodies: [body], loopVariable, redirects: this.redirects() };
    }

    private caseClause(): Node {
        this.position++;
        const subject = this.peek();
        if (subject?.kind !== "word") throw new ShellSyntaxError("`case` without a word");
        this.position++;
        this.expectWord("in");
        const bodies: Node[][] = [];
        const tested: Word[] = [subject.segments];
        for (;;) {
            this.skipNewlines();
            if (this.peekWord() === "esac") {
                this.position++;
                break;
            }
            if (this.peek() === undefined) throw new ShellSyntaxError("an unclosed `case`");
            if (this.isOp("(")) this.position++;
            // Patterns: words separated by `|`, up to `)`.
            while (!this.isOp(")")) {
                const token = this.peek();
                if (token === undefined) throw new ShellSyntaxError("an unclosed `case` pattern");
                if (token.kind === "word") tested.push(token.segments);
                this.position++;
            }
            this.position++;
            bodies.push(this.list(new Set(["esac"])));
            const token = this.peek();
            if (token?.kind === "op" && [";;", ";&", ";;&"].includes(token.op)) this.position++;
        }
        return { kind: "branches", tested, bodies, redirects: this.redirects() };
    }

    private simple(): Node {
        const assignments: Array<{ name: string; value: Word }> = [];
        const words: Word[] = [];
        const redirects: Redirect[] = [];
        for (;;) {
            redirects.push(...this.redirects());
            const token = this.peek();
            if (token?.kind !== "word") break;
            // A function definition: NAME ( ) COMMAND.
            if (words.length === 0 && assignments.length === 0 && this.tokens[this.position + 1]?.kind === "op") {
                const next = this.tokens[this.position + 1] as { op: string };
                const after = this.tokens[this.position + 2] as { op?: string } | undefined;
                if (next.op === "(" && after?.op === ")") {
                    this.position += 3;
                    this.skipNewlines();
                    return { kind: "branches", tested: [], bodies: [[this.command(new Set())]], redirects: [] };
                }
            }
            this.position++;
            const first = token.segments[0];
            const assignment =
                words.length === 0 && first?.kind === "text" && !first.quoted
                    ? /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(first.text)
                    : null;
            if (assignment) {
                const rest = first.kind === "text" ? first.text.slice(assignment[0].length) : "";
                const value: Word = [
                    ...(rest === "" ? [] : [{ kind: "text" as const, text: rest, quoted: false }]),
                    ...token.segments.slice(1),
                ];
                assignments.push({ name: assignment[1], value });
            } else words.push(token.segments);
        }
        if (words.length === 0 && assignments.length === 0 && redirects.length === 0) {
            const token = this.peek();
            throw new ShellSyntaxError(
                `unexpected ${token === undefined ? "end" : token.kind === "op" ? `\`${token.op}\`` : "token"}`,
            );
        }
        return { kind: "simple", assignments, words, redirects };
    }
}

/** The commands of a shell text. Throws ShellSyntaxError where a shell would refuse the text. */
export function parseShell(text: string): Node[] {
    const parser = new Parser(lex(text));
    const nodes = parser.list(new Set());
    if (!parser.atEnd()) throw new ShellSyntaxError("an unmatched `)` or `;;`");
    return nodes;
}
