// Drag to reorder a list (waiting alerts, variation rules): where a drag started, where it
// would land (above or below the row under the pointer), the row handlers, and the drop line.
// Each list starts the drag itself (what it puts in the transfer differs); Move up/down
// buttons do the same from the keyboard.
import { ref } from 'vue';
import { dropIndex } from './alerts';

export function useDragReorder(move: (from: number, to: number) => void) {
  const dragFrom = ref<number | null>(null);
  const dropAt = ref<{ index: number; lower: boolean } | null>(null);

  function onDragOver(e: DragEvent, i: number): void {
    if (dragFrom.value === null) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    dropAt.value = { index: i, lower: e.clientY > r.top + r.height / 2 };
  }
  function onDragLeave(i: number): void {
    if (dropAt.value?.index === i) dropAt.value = null;
  }
  function onDrop(e: DragEvent, i: number): void {
    e.preventDefault();
    const from = dragFrom.value;
    const lower = dropAt.value?.index === i ? dropAt.value.lower : false;
    endDrag();
    if (from !== null) move(from, dropIndex(from, i, lower));
  }
  function endDrag(): void {
    dragFrom.value = null;
    dropAt.value = null;
  }
  /** The accent line above or below row `i` while something would drop there. */
  function dropLine(i: number): string {
    const at = dropAt.value;
    if (at?.index !== i || dragFrom.value === i) return '';
    return at.lower ? 'shadow-[0_2px_0_0_var(--color-accent-400)]' : 'shadow-[0_-2px_0_0_var(--color-accent-400)]';
  }
  return { dragFrom, dropAt, onDragOver, onDragLeave, onDrop, endDrag, dropLine };
}
