/* virtio-blk: every virtio block device on the PCI buses as vda, vdb, ... */
#ifndef BF_VIRTIO_BLK_H
#define BF_VIRTIO_BLK_H

/* Attach each virtio-blk device pci_init found (in bus order) and register
 * it as a block device; a device that fails is logged and skipped. Returns
 * the number registered. */
unsigned virtio_blk_init(void);

#endif
