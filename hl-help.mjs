const { buildProgram } = await import('./dist/cli.js');
const p = await buildProgram();
const all = (c) => [c, ...c.commands.flatMap(all)];
let out = '';
for (const c of all(p)) {
  const name = []; for (let x = c; x; x = x.parent) name.unshift(x.name());
  let help = ''; c.configureOutput({ writeOut: (s) => (help += s) }); c.outputHelp();
  out += `=== ${name.join(' ')}\n${help}\n`;
}
process.stdout.write(out);
