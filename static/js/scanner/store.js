// The scanner's memory on this device (IndexedDB).
//
// Two object stores: "lists" holds each event's ticket list as last downloaded; "scans" holds
// every scan made here: queued ones until the server has answered them, sent ones as history.
// When IndexedDB cannot be opened (some private windows), everything lives in memory: the open
// page keeps working, a reload forgets.
const DB_NAME = "tracker-scanner";
const DB_VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDatabase() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) {
      reject(new Error("no IndexedDB"));
      return;
    }
    const req = window.indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("lists")) {
        db.createObjectStore("lists", { keyPath: "event_id" });
      }
      if (!db.objectStoreNames.contains("scans")) {
        const scans = db.createObjectStore("scans", { keyPath: "nonce" });
        scans.createIndex("event_id", "event_id");
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("IndexedDB blocked"));
  });
}

class MemoryBackend {
  constructor() {
    this.lists = new Map();
    this.scans = new Map();
  }
  async getList(eventId) {
    return this.lists.get(eventId) || null;
  }
  async putList(list) {
    this.lists.set(list.event_id, list);
  }
  async deleteList(eventId) {
    this.lists.delete(eventId);
  }
  async scansFor(eventId) {
    return [...this.scans.values()].filter((s) => s.event_id === eventId);
  }
  async putScan(scan) {
    this.scans.set(scan.nonce, scan);
  }
  async deleteScan(nonce) {
    this.scans.delete(nonce);
  }
}

class IdbBackend {
  constructor(db) {
    this.db = db;
  }
  store(name, mode) {
    return this.db.transaction(name, mode).objectStore(name);
  }
  async getList(eventId) {
    return (await request(this.store("lists", "readonly").get(eventId))) || null;
  }
  async putList(list) {
    await request(this.store("lists", "readwrite").put(list));
  }
  async deleteList(eventId) {
    await request(this.store("lists", "readwrite").delete(eventId));
  }
  async scansFor(eventId) {
    const index = this.store("scans", "readonly").index("event_id");
    return request(index.getAll(eventId));
  }
  async putScan(scan) {
    await request(this.store("scans", "readwrite").put(scan));
  }
  async deleteScan(nonce) {
    await request(this.store("scans", "readwrite").delete(nonce));
  }
}

export async function openStore() {
  try {
    return { backend: new IdbBackend(await openDatabase()), persistent: true };
  } catch (err) {
    return { backend: new MemoryBackend(), persistent: false };
  }
}
