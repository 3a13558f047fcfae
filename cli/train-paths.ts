/**
 * Where the outfit scorers' weights live. Both are committed under public/models/trained/: the student is
 * downloaded by the app; the teacher is not (its model card says `app: false`), it is there so that
 * `score-outfits --model teacher` and `npm run train -- student` work on a fresh clone.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STUDENT_DIR = join(ROOT, 'public/models/trained/outfit-student');
export const TEACHER_DIR = join(ROOT, 'public/models/trained/outfit-teacher');
/** The committed teacher, or with `cache` (experiments: `--cache DIR`) DIR/outfit-scorer/teacher. */
export const teacherDir = (cache?: string) => (cache ? join(resolve(cache), 'outfit-scorer/teacher') : TEACHER_DIR);
