// The CSV floor: csv-parse in array mode over the file, counting records. Nothing else.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

let messages = 0;
let agents = 0;
const parser = createReadStream(process.argv[2], { highWaterMark: 1 << 20 }).pipe(parse({ from_line: 2 }));
parser.on('readable', () => {
  for (let record = parser.read(); record !== null; record = parser.read()) {
    messages++;
    if (record[2] === 'agent') agents++;
  }
});
await new Promise((resolve, reject) => parser.on('end', resolve).on('error', reject));
console.log(JSON.stringify({ messages, agents }));
