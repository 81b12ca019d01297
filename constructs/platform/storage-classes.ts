/**
 * Two classes on the cloud's encrypted block storage: the default one, and a
 * Retain one for stateful apps so deleting a claim (or the app stack) never
 * deletes the disk. Both expand online and bind where the pod lands, so a
 * zonal disk is created in the pod's zone.
 */
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';
import { STORAGE_CLASSES } from '../../config/names';
import type { BlockStorage } from './platform-cloud';

export class StorageClasses extends Construct {
  readonly standard: StorageClassV1;
  readonly retain: StorageClassV1;

  constructor(scope: Construct, id: string, storage: BlockStorage) {
    super(scope, id);
    const common = {
      storageProvisioner: storage.provisioner,
      parameters: { ...storage.parameters },
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    this.standard = new StorageClassV1(this, 'standard', {
      metadata: { name: STORAGE_CLASSES.standard, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      reclaimPolicy: 'Delete',
      ...common,
    });
    this.retain = new StorageClassV1(this, 'retain', {
      metadata: { name: STORAGE_CLASSES.retain },
      reclaimPolicy: 'Retain',
      ...common,
    });
  }
}
