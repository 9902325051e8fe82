/// The workspace's script: it checks, in the browser and with WebCrypto only, that the signed
/// tree head verifies with the broker's audit key from the directory (ES256), that the log is
/// consistent with the last tree head this browser verified (RFC 9162 consistency proof; the
/// head is kept in localStorage), and that every entry on the page is in the tree (RFC 9162
/// inclusion proof from the entry's own bytes). Each entry then says "verified" or "failed".
enum WorkspaceScript {
    static let source = #"""
        "use strict";
        (() => {
          const storageKey = "sharebroker.treeHead." + location.host;
          const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const fromURL = (text) => bytes(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
          const b64 = (array) => btoa(String.fromCharCode(...array));
          const same = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);
          const sha256 = async (...parts) => {
            const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
            let offset = 0;
            for (const part of parts) { joined.set(part, offset); offset += part.length; }
            return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
          };
          const node = (left, right) => sha256(Uint8Array.of(1), left, right);
          const getJSON = async (path) => {
            const answer = await fetch(path, { credentials: "same-origin", cache: "no-store" });
            if (!answer.ok) throw new Error(path.split("?")[0] + " answered " + answer.status);
            return answer.json();
          };

          // RFC 9162 section 2.1.3.2: the root an inclusion path leads to from a leaf hash.
          async function rootFromInclusion(index, size, leafHash, path) {
            if (index >= size) return null;
            let fn = index, sn = size - 1, r = leafHash;
            for (const p of path) {
              if (sn === 0) return null;
              if (fn % 2 === 1 || fn === sn) {
                r = await node(p, r);
                while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
              } else {
                r = await node(r, p);
              }
              fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
            }
            return sn === 0 ? r : null;
          }

          // RFC 9162 section 2.1.4.2: whether a consistency path joins two roots.
          async function consistent(first, second, firstRoot, secondRoot, path) {
            if (first === second) return path.length === 0 && same(firstRoot, secondRoot);
            if (first === 0) return true;
            if (first > second || path.length === 0) return false;
            if ((first & (first - 1)) === 0) path = [firstRoot, ...path];
            let fn = first - 1, sn = second - 1;
            while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
            let fr = path[0], sr = path[0];
            for (const c of path.slice(1)) {
              if (sn === 0) return false;
              if (fn % 2 === 1 || fn === sn) {
                fr = await node(c, fr); sr = await node(c, sr);
                while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
              } else {
                sr = await node(sr, c);
              }
              fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
            }
            return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
          }

          // The signed tree head's ES256 signature against the broker's audit keys; its payload.
          async function verifiedHead(signed, keys) {
            const [header, payload, signature] = signed.split(".");
            const input = new TextEncoder().encode(header + "." + payload);
            const kid = JSON.parse(new TextDecoder().decode(fromURL(header))).kid;
            for (const jwk of keys.filter((k) => !kid || !k.kid || k.kid === kid)) {
              const key = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
                { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
              if (await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, fromURL(signature), input)) {
                return JSON.parse(new TextDecoder().decode(fromURL(payload)));
              }
            }
            return null;
          }

          const ukTime = (when) => new Date(when).toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium",
            timeStyle: "short" }) + " UK time";

          function say(element, verdict, text) {
            element.dataset.verdict = verdict;
            element.textContent = text;
          }

          // Every entry's inclusion proof in one tree, a few hundred to a request.
          async function inclusionProofs(items, treeSize) {
            const proofs = new Map();
            for (let i = 0; i < items.length; i += 200) {
              const query = items.slice(i, i + 200).map((item) => "&index=" + Number(item.dataset.index)).join("");
              const answer = await getJSON("/v1/audit/proof/inclusions?treeSize=" + treeSize + query);
              for (const proof of answer.proofs) proofs.set(proof.index, proof);
            }
            return proofs;
          }

          async function checkEntry(item, head, root, proofs) {
            const verdict = item.querySelector(".verdict");
            try {
              const index = Number(item.dataset.index);
              const leafHash = await sha256(Uint8Array.of(0), bytes(item.dataset.leaf));
              const proof = proofs.get(index);
              if (!proof) throw new Error("the broker gave no proof for entry " + index);
              const computed = await rootFromInclusion(index, head.treeSize, leafHash, proof.path.map(bytes));
              const ok = computed !== null && same(computed, root);
              say(verdict, ok ? "verified" : "failed", ok ? "verified" : "failed: not the entry the signed log holds");
              return ok;
            } catch (error) {
              say(verdict, "failed", "failed: " + error.message);
              return false;
            }
          }

          async function checkConsistency(head, root) {
            const place = document.getElementById("consistency");
            let last = null;
            try { last = JSON.parse(localStorage.getItem(storageKey)); } catch (error) { last = null; }
            let ok = true, text;
            if (!last) {
              text = "This is the first tree head this browser has verified; it is kept to check the next visit against.";
            } else if (last.treeSize > head.treeSize) {
              ok = false;
              text = "FAILED: the log is smaller than the tree head this browser verified before (" + last.treeSize + " entries).";
            } else {
              const proof = await getJSON("/v1/audit/proof/consistency?from=" + last.treeSize + "&to=" + head.treeSize);
              ok = await consistent(last.treeSize, head.treeSize, bytes(last.rootHash), root, proof.path.map(bytes));
              text = ok ? "Consistent with the tree head this browser verified before (" + last.treeSize + " entries, seen "
                  + ukTime(last.seenAt) + ")."
                : "FAILED: the log is not an extension of the tree head this browser verified before (" + last.treeSize + " entries).";
            }
            if (ok) localStorage.setItem(storageKey, JSON.stringify({ treeSize: head.treeSize, rootHash: head.rootHash, seenAt: Date.now() }));
            if (place) { place.textContent = text; place.dataset.verdict = ok ? "verified" : "failed"; }
            return { ok, text };
          }

          async function run() {
            const status = document.getElementById("verification");
            const entries = Array.from(document.querySelectorAll("li.entry[data-leaf]"));
            try {
              const directory = await getJSON("/v1/directory");
              const answer = await getJSON("/v1/audit/tree-head");
              const head = await verifiedHead(answer.signed, directory.broker.auditKeys);
              if (!head) throw new Error("the tree head's signature does not verify with the broker's audit key");
              const root = bytes(head.rootHash);
              const log = await checkConsistency(head, root);
              const proofs = entries.length ? await inclusionProofs(entries, head.treeSize) : new Map();
              let failed = 0;
              for (const item of entries) {
                if (!(await checkEntry(item, head, root, proofs))) failed += 1;
              }
              const ok = log.ok && failed === 0;
              status.className = "verification " + (ok ? "ok" : "bad");
              status.textContent = (ok ? "Verified in this browser: " : "VERIFICATION FAILED: ")
                + (entries.length - failed) + " of " + entries.length + " entries proved in the signed tree head of "
                + head.treeSize + " entries (root " + head.rootHash + ", signed " + ukTime(head.timestamp) + ")"
                + ". " + log.text;
              status.dataset.verdict = ok ? "verified" : "failed";
            } catch (error) {
              status.className = "verification bad";
              status.dataset.verdict = "failed";
              status.textContent = "VERIFICATION FAILED: " + error.message;
              entries.forEach((item) => say(item.querySelector(".verdict"), "failed", "failed: not checked"));
            }
            document.body.dataset.verification = "done";
          }

          if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
        })();
        """#
}
