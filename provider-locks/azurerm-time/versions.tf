# Written by npm run providers:lock from the synthesized stacks: the providers of every stack in
# this lock set. Do not edit; the lock file beside it is what synth copies into each stack.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.55.0"
    }
    time = {
      source  = "hashicorp/time"
      version = "0.13.1"
    }
  }
}
