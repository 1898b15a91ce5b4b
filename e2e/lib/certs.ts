/**
 * Certificates for the loopback cluster, made with openssl: one CA, the API server's serving certificate
 * (127.0.0.1), an admin client certificate (group system:masters), the service-account key pair, and istiod's
 * webhook serving certificate (127.0.0.1), which the API server trusts through the same CA.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ClusterCerts {
    dir: string;
    ca: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    adminCert: string;
    adminKey: string;
    saKey: string;
    saPub: string;
    istiodCert: string;
    istiodKey: string;
}

function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A key and a certificate signed by the CA; `san` like "IP:127.0.0.1,DNS:localhost". */
function signed(dir: string, name: string, subject: string, san: string | undefined, usage: string): void {
    openssl(["genrsa", "-out", `${name}.key`, "2048"], dir);
    openssl(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
    const ext = [`extendedKeyUsage=${usage}`, "keyUsage=critical,digitalSignature,keyEncipherment"];
    if (san) ext.push(`subjectAltName=${san}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext.join("\n") + "\n");
    openssl(
        ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"].concat([
            "-out",
            `${name}.crt`,
            "-days",
            "30",
            "-sha256",
            "-extfile",
            `${name}.ext`,
        ]),
        dir,
    );
}

export function makeCerts(dir: string): ClusterCerts {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    openssl(["genrsa", "-out", "ca.key", "2048"], dir);
    openssl(
        ["req", "-x509", "-new", "-nodes", "-key", "ca.key", "-subj", "/CN=nativemesh-e2e-ca", "-days", "30"]
            .concat(["-out", "ca.crt", "-addext", "basicConstraints=critical,CA:TRUE"])
            .concat(["-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"]),
        dir,
    );
    const kubeSan = "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc";
    signed(dir, "apiserver", "/CN=kube-apiserver", kubeSan, "serverAuth");
    signed(dir, "admin", "/O=system:masters/CN=nativemesh-e2e-admin", undefined, "clientAuth");
    signed(dir, "istiod", "/CN=istiod", "IP:127.0.0.1,DNS:localhost", "serverAuth");
    openssl(["genrsa", "-out", "sa.key", "2048"], dir);
    openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
    const p = (f: string) => path.join(dir, f);
    return {
        dir,
        ca: p("ca.crt"),
        caKey: p("ca.key"),
        serverCert: p("apiserver.crt"),
        serverKey: p("apiserver.key"),
        adminCert: p("admin.crt"),
        adminKey: p("admin.key"),
        saKey: p("sa.key"),
        saPub: p("sa.pub"),
        istiodCert: p("istiod.crt"),
        istiodKey: p("istiod.key"),
    };
}
