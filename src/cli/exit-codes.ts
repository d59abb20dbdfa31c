/** ESLint's convention: 0 clean, 1 findings at the failing severity, 2 usage, configuration or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
