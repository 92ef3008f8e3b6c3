-- AlterEnum
ALTER TYPE "DonationStatus" ADD VALUE 'REFUNDED';
