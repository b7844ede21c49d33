// The beleid VS Code extension: syntax highlighting comes from the grammar (package.json); this file
// starts the language server (`beleid lsp`, over stdio) for documents of language `beleid`.
'use strict';

const vscode = require('vscode');
const { LanguageClient, State } = require('vscode-languageclient/node');
const server = require('./server');

const NAME = 'Beleid language server';
let client;
let output;
let watchers = [];

function workspaceFolder() {
    const folders = vscode.workspace.workspaceFolders;
    return folders && folders.length ? folders[0].uri.fsPath : undefined;
}

async function showNotFound(command) {
    const choice = await vscode.window.showErrorMessage(server.notFoundMessage(command), 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
        vscode.commands.executeCommand('workbench.action.openSettings', 'beleid.server');
    } else if (choice === 'Show Output') {
        output.show();
    }
}

async function startServer() {
    const config = vscode.workspace.getConfiguration('beleid');
    const command = config.get('server.command', server.DEFAULT_COMMAND);
    const args = config.get('server.args', [...server.DEFAULT_ARGS]);
    const folder = workspaceFolder();
    const resolved = server.resolveCommand(command, { workspaceFolder: folder });
    if (!resolved) {
        output.appendLine(`command not found: ${command} (PATH=${process.env.PATH || ''})`);
        showNotFound(command);
        return;
    }
    output.appendLine(`starting: ${resolved} ${args.join(' ')}`);
    const serverOptions = server.executable(resolved, args, folder); // spawns `beleid lsp`
    // Rule files and the source texts their quotes are checked against: a change re-checks.
    watchers = [
        vscode.workspace.createFileSystemWatcher('**/*.policy'),
        vscode.workspace.createFileSystemWatcher('**/sources/**/*.txt'),
    ];
    const clientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'beleid' },
            { scheme: 'untitled', language: 'beleid' },
        ],
        outputChannel: output,
        synchronize: { fileEvents: watchers },
    };
    client = new LanguageClient('beleid', NAME, serverOptions, clientOptions);
    try {
        await client.start();
    } catch (error) {
        const message = error && error.message ? error.message : String(error);
        output.appendLine(`the server did not start: ${message}`);
        const choice = await vscode.window.showErrorMessage(
            `Beleid: the language server "${resolved} ${args.join(' ')}" did not start: ${message}. ` +
            'Does this beleid have the `lsp` command (beleid --help)?', 'Show Output', 'Open Settings');
        if (choice === 'Show Output') output.show();
        if (choice === 'Open Settings') vscode.commands.executeCommand('workbench.action.openSettings', 'beleid.server');
        client = undefined;
    }
}

async function stopServer() {
    watchers.forEach((watcher) => watcher.dispose());
    watchers = [];
    if (!client) return;
    const stopping = client;
    client = undefined;
    if (stopping.state !== State.Stopped) {
        try {
            await stopping.stop();
        } catch (error) {
            output.appendLine(`stopping the server: ${error}`);
        }
    }
}

async function restartServer() {
    await stopServer();
    await startServer();
}

async function activate(context) {
    output = vscode.window.createOutputChannel(NAME);
    context.subscriptions.push(
        output,
        vscode.commands.registerCommand('beleid.restartServer', restartServer),
        vscode.commands.registerCommand('beleid.showOutput', () => output.show()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration('beleid.server')) restartServer();
        }),
    );
    await startServer();
}

function deactivate() {
    return stopServer();
}

module.exports = { activate, deactivate };
