#!/usr/bin/env node
// Print the TextMate scopes of every token of a .policy file, as the extension's grammar assigns
// them: a help for writing the assertions of tests/**/*.test.policy.
//
//     node scripts/scopes.js FILE.policy [LINE ...]
'use strict';

const fs = require('fs');
const path = require('path');
const tm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'beleid.tmLanguage.json');

async function main(file, lines) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma').replace(/main\.js$/, 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer);
    const registry = new tm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async () => tm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
    });
    const grammar = await registry.loadGrammar('source.beleid');
    let stack = tm.INITIAL;
    fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((text, i) => {
        const { tokens, ruleStack } = grammar.tokenizeLine(text, stack);
        stack = ruleStack;
        if (lines.length && !lines.includes(i + 1)) return;
        console.log(`${i + 1}: ${text}`);
        for (const t of tokens) {
            const scopes = t.scopes.filter((s) => s !== 'source.beleid').join(' ');
            console.log(`    ${t.startIndex}-${t.endIndex} ${JSON.stringify(text.slice(t.startIndex, t.endIndex))} ${scopes}`);
        }
    });
}

if (process.argv.length < 3) {
    console.error('usage: node scripts/scopes.js FILE.policy [LINE ...]');
    process.exit(2);
}
main(process.argv[2], process.argv.slice(3).map(Number)).catch((e) => { console.error(e); process.exit(1); });
