// extension.js outside VS Code: `vscode` and the language client are replaced by fakes, so these
// tests check what the extension asks for (the command line, the documents, the error message).
//
//     node --test tests/client/
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const EXTENSION = path.resolve(__dirname, '..', '..', 'extension.js');

function load(settings, folder) {
    const calls = { clients: [], errors: [], lines: [], commands: [] };
    const disposable = { dispose() {} };
    const vscode = {
        workspace: {
            workspaceFolders: folder ? [{ uri: { fsPath: folder } }] : undefined,
            getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
            onDidChangeConfiguration: () => disposable,
            createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
        },
        window: {
            createOutputChannel: () => ({ appendLine: (l) => calls.lines.push(l), show() {}, dispose() {} }),
            showErrorMessage: async (message) => { calls.errors.push(message); return undefined; },
        },
        commands: {
            registerCommand: (name) => { calls.commands.push(name); return disposable; },
            executeCommand() {},
        },
    };
    class LanguageClient {
        constructor(id, name, serverOptions, clientOptions) {
            Object.assign(this, { id, name, serverOptions, clientOptions, state: 2 });
            calls.clients.push(this);
        }
        async start() { this.state = 2; }
        async stop() { this.state = 1; }
    }
    const fakes = { vscode, 'vscode-languageclient/node': { LanguageClient, State: { Stopped: 1, Running: 2 } } };
    const original = Module._load;
    Module._load = function (request, ...rest) {
        return request in fakes ? fakes[request] : original.call(this, request, ...rest);
    };
    try {
        delete require.cache[EXTENSION];
        return { extension: require(EXTENSION), calls };
    } finally {
        Module._load = original;
    }
}

function context() {
    return { subscriptions: [] };
}

test('starts `beleid lsp` for documents of language beleid', { skip: process.platform === 'win32' }, async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'beleid-ws-'));
    const bin = path.join(ws, '.venv', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'beleid'), '#!/bin/sh\n', { mode: 0o755 });
    const { extension, calls } = load({ 'server.command': '${workspaceFolder}/.venv/bin/beleid' }, ws);
    await extension.activate(context());
    assert.deepEqual(calls.errors, []);
    assert.equal(calls.clients.length, 1);
    const client = calls.clients[0];
    assert.equal(client.id, 'beleid');
    assert.equal(client.serverOptions.command, path.join(bin, 'beleid'));
    assert.deepEqual(client.serverOptions.args, ['lsp']);
    assert.equal(client.serverOptions.transport, undefined);
    assert.equal(client.serverOptions.options.cwd, ws);
    assert.ok(client.clientOptions.documentSelector.every((s) => s.language === 'beleid'));
    assert.ok(calls.commands.includes('beleid.restartServer'));
    await extension.deactivate();
    assert.equal(client.state, 1, 'deactivate stops the server');
});

test('beleid.server.args replaces the arguments', { skip: process.platform === 'win32' }, async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'beleid-ws-'));
    fs.writeFileSync(path.join(ws, 'beleid'), '#!/bin/sh\n', { mode: 0o755 });
    const { extension, calls } = load({ 'server.command': './beleid', 'server.args': ['lsp', '--verbose'] }, ws);
    await extension.activate(context());
    assert.deepEqual(calls.clients[0].serverOptions.args, ['lsp', '--verbose']);
    await extension.deactivate();
});

test('a missing command gives a clear error and starts no client', async () => {
    const { extension, calls } = load({ 'server.command': '/nonexistent/bin/beleid' }, undefined);
    await extension.activate(context());
    assert.equal(calls.clients.length, 0);
    assert.equal(calls.errors.length, 1);
    assert.match(calls.errors[0], /command "\/nonexistent\/bin\/beleid" was not found/);
    assert.match(calls.errors[0], /beleid\.server\.command/);
    await extension.deactivate();
});
