import type { Department } from '../app/departments';

export default function QueuePage({ department }: { department: Department }) {
  return <h1>{department.label} (to be built)</h1>;
}
