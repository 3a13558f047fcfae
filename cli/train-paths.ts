/** Where the outfit scorers' weights live: the student ships in public/, the teacher stays in .cache/. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STUDENT_DIR = join(ROOT, 'public/models/trained/outfit-student');
/** `cache` defaults to the repository's .cache/ (gitignored). */
export const teacherDir = (cache?: string) => join(resolve(cache ?? join(ROOT, '.cache')), 'outfit-scorer/teacher');
