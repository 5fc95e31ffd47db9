package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Graph helpers over units as integers. Stateless. */
final class Graphs {

    private Graphs() {}

    /**
     * The strongly connected components of the graph restricted to {@code active} nodes that hold a
     * cycle (more than one node, or one node with an edge to itself), each sorted, in order of their
     * smallest node. Tarjan's algorithm with an explicit stack, so long chains cannot overflow.
     *
     * @param n number of nodes
     * @param edges per node, the nodes it points to (may include inactive nodes, which are skipped)
     * @param active which nodes take part
     */
    static List<int[]> cycles(int n, int[][] edges, boolean[] active) {
        int[] index = new int[n];
        Arrays.fill(index, -1);
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (!active[s] || index[s] >= 0) {
                continue;
            }
            int csp = 0;
            callNode[csp] = s;
            callEdge[csp++] = 0;
            index[s] = low[s] = counter++;
            stack[sp++] = s;
            onStack[s] = true;
            while (csp > 0) {
                int v = callNode[csp - 1];
                if (callEdge[csp - 1] < edges[v].length) {
                    int w = edges[v][callEdge[csp - 1]++];
                    if (!active[w]) {
                        continue;
                    }
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        callNode[csp] = w;
                        callEdge[csp++] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                csp--;
                if (csp > 0) {
                    int parent = callNode[csp - 1];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    int start = sp;
                    do {
                        start--;
                        onStack[stack[start]] = false;
                    } while (stack[start] != v);
                    int[] component = Arrays.copyOfRange(stack, start, sp);
                    sp = start;
                    if (component.length > 1 || selfLoop(edges[v], v)) {
                        Arrays.sort(component);
                        out.add(component);
                    }
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a[0], b[0]));
        return out;
    }

    private static boolean selfLoop(int[] targets, int v) {
        for (int w : targets) {
            if (w == v) {
                return true;
            }
        }
        return false;
    }
}
