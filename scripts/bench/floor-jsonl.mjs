// The floor every JSON Lines row is measured against: read the file in 4 MiB chunks, split at newlines,
// JSON.parse each line, touch one field. Nothing else.
import { closeSync, openSync, readSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
let buffer = Buffer.allocUnsafe(4 << 20);
let have = 0;
let messages = 0;
let agents = 0;
const parse = (line) => {
  if (JSON.parse(line).role === 'agent') agents++;
  messages++;
};
for (let n; (n = readSync(fd, buffer, have, buffer.length - have, null)) > 0; ) {
  const end = have + n;
  let from = 0;
  for (let nl = buffer.indexOf(10, from); nl !== -1 && nl < end; nl = buffer.indexOf(10, from)) {
    if (nl > from) parse(buffer.toString('utf8', from, nl));
    from = nl + 1;
  }
  have = end - from;
  if (have === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
  buffer.copy(buffer, 0, from, end);
}
if (have > 0) parse(buffer.toString('utf8', 0, have));
closeSync(fd);
console.log(JSON.stringify({ messages, agents }));
