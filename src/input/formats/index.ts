import type { ProductFormat } from './types.js';

// Placeholder until the product readers land.
export const PRODUCT_FORMATS: ProductFormat[] = [];
export function findProductFormat(name: string): ProductFormat | undefined {
  return PRODUCT_FORMATS.find((f) => f.name === name);
}
